import assert from 'node:assert/strict'
import {resolveConfig} from '../../../src/config/resolve.js'
import {validateProjectConfig} from '../../../src/config/schema.js'

describe('the builder setting', () => {
  const project = (extra: Record<string, unknown> = {}) => validateProjectConfig({name: 'fn', runtime: 'nodejs22.x', ...extra}, 'limg.json')

  it('is unset (the engine) by default, and taken from limg.json, then LIMG_BUILDER, then --builder', () => {
    assert.equal(resolveConfig(project(), {}, {}).builder, undefined)
    assert.equal(resolveConfig(project({builder: 'direct'}), {}, {}).builder, 'direct')
    assert.equal(resolveConfig(project({builder: 'direct'}), {}, {LIMG_BUILDER: 'engine'}).builder, 'engine')
    assert.equal(resolveConfig(project(), {builder: 'direct'}, {LIMG_BUILDER: 'engine'}).builder, 'direct')
  })

  it('refuses a builder limg does not have, naming where it came from and the choices', () => {
    assert.throws(() => project({builder: 'kaniko'}), /limg\.json: unknown builder "kaniko"/)
    assert.throws(() => resolveConfig(project(), {}, {LIMG_BUILDER: 'buildkit'}), (error: Error & {suggestion?: string}) => /LIMG_BUILDER: unknown builder "buildkit"/.test(error.message) && /engine, direct/.test(error.suggestion ?? ''))
  })
})
