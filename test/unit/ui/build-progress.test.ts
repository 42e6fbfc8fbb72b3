import {strict as assert} from 'node:assert'
import {BuildProgressRenderer} from '../../../src/ui/build-progress.js'

describe('build progress rendering', () => {
  it('prints plain lines outside a terminal: each step, its output without colour codes, and cache hits', () => {
    let text = ''
    const view = new BuildProgressRenderer({write: (t) => (text += t)}, false)
    view.handle({type: 'context', dockerfile: 'template', baseImage: 'base', platform: 'linux/arm64', tags: ['fn:arm64'], replacedBases: []})
    view.handle({type: 'engine', event: {type: 'step', index: 1, total: 2, instruction: 'COPY package.json ./'}})
    view.handle({type: 'engine', event: {type: 'step-done', index: 1, total: 2, instruction: 'COPY package.json ./', cached: true, durationMs: 5}})
    view.handle({type: 'engine', event: {type: 'step', index: 2, total: 2, instruction: 'RUN npm ci'}})
    view.handle({type: 'engine', event: {type: 'output', index: 2, line: '\x1b[91mnpm warn\x1b[0m'}})
    view.handle({type: 'engine', event: {type: 'step-done', index: 2, total: 2, instruction: 'RUN npm ci', cached: false, durationMs: 2500}})
    view.stop()
    assert.equal(
      text,
      [
        'Building fn:arm64 for linux/arm64 from base (limg\'s Dockerfile template)',
        'Step 1/2 COPY package.json ./',
        '  cached',
        'Step 2/2 RUN npm ci',
        '  | npm warn',
        '  done in 2.5s',
        '',
      ].join('\n'),
    )
    assert.ok(!text.includes('\u001b'))
  })

  it('on a terminal settles each step to one line with its time or "cached"', () => {
    let text = ''
    let clock = 0
    const view = new BuildProgressRenderer({write: (t) => (text += t)}, true, () => clock)
    view.handle({type: 'engine', event: {type: 'step', index: 1, total: 1, instruction: 'RUN npm ci'}})
    clock = 1200
    view.handle({type: 'engine', event: {type: 'step-done', index: 1, total: 1, instruction: 'RUN npm ci', cached: false, durationMs: 1200}})
    view.stop()
    assert.match(text, /✔ Step 1\/1 RUN npm ci {2}1\.2s\n/)
  })
})
