import {strict as assert} from 'node:assert'
import type {FunctionsResult} from '../../../src/app/functions.js'
import {FunctionsProgressView, type FunctionsWording, functionsSummary} from '../../../src/ui/functions-progress.js'

const WORDING: FunctionsWording<string, string> = {doing: 'building', status: (event) => (event.startsWith('Step') ? event : undefined), summary: (result) => `built ${result}`}

describe('the progress of many functions', () => {
  it('prints a line per change outside a terminal, led by the function\'s name', () => {
    let text = ''
    const view = new FunctionsProgressView({write: (t) => (text += t)}, false, WORDING, () => 0)
    view.handle({type: 'plan', jobs: 2, source: 'limg.json', functions: [{name: 'orders', path: 'f/orders'}, {name: 'bill', path: 'f/bill', waitsFor: 'orders'}]})
    view.handle({type: 'start', name: 'orders'})
    view.handle({type: 'event', name: 'orders', event: 'Step 1/2 FROM base'})
    view.handle({type: 'event', name: 'orders', event: 'some output'})
    view.handle({type: 'done', outcome: {name: 'orders', path: 'f/orders', ok: true, durationMs: 1500, result: 'orders:x86_64'}})
    view.handle({type: 'done', outcome: {name: 'bill', path: 'f/bill', ok: false, durationMs: 200, error: {code: 'BUILD_FAILED', message: 'no handler', exitCode: 4, suggestion: 'Fix it.'}}})
    view.stop()
    assert.equal(text, [
      '2 functions (from the limg.json), 2 at a time',
      'bill    waits for orders (same dependencies)',
      'orders  building',
      'orders  Step 1/2 FROM base',
      'orders  ✔ built orders:x86_64 (1.5s)',
      'bill    ✘ failed (exit 4): no handler Fix it.',
      '',
    ].join('\n'))
  })

  it('on a terminal redraws one line per function in place, waiting ones saying for whom', () => {
    let text = ''
    const view = new FunctionsProgressView({write: (t) => (text += t)}, true, WORDING, () => 0)
    view.handle({type: 'plan', jobs: 1, source: 'limg.json', functions: [{name: 'a', path: 'a'}, {name: 'b', path: 'b', waitsFor: 'a'}]})
    view.handle({type: 'start', name: 'a'})
    view.stop()
    assert.match(text, /· b {2}waits for a \(same dependencies\)/)
    assert.ok(text.includes('\u001b[2F'), 'moves back up over the two lines it drew')
  })

  it('sums up each function, a failure\'s details under it, then the count', () => {
    const result: FunctionsResult<string> = {
      root: '/r', source: 'limg.json', jobs: 2, durationMs: 4200, succeeded: 1, failed: 1,
      functions: [
        {name: 'a', path: 'a', ok: true, durationMs: 1000, result: 'a:x86_64'},
        {name: 'bb', path: 'bb', ok: false, durationMs: 10, error: {code: 'BUILD_FAILED', message: 'step failed', exitCode: 4, details: ['npm ERR! 404']}},
      ],
    }
    assert.deepEqual(functionsSummary(result, WORDING), [
      '✔ a   built a:x86_64 (1.0s)',
      '✘ bb  failed (exit 4): step failed',
      '    | npm ERR! 404',
      '2 functions: 1 succeeded, 1 failed, in 4.2s (2 at a time).',
    ])
  })
})
