import {strict as assert} from 'node:assert'

import {runtimeFeatures} from './runtime-client-modules.js'

describe("runtime client: what each Node major's runtime does", () => {
  it('refuses callbacks from Node 24, warns from 18, accepts them before', () => {
    assert.deepEqual(
      [12, 14, 16, 18, 20, 22, 24, 26].map((major) => runtimeFeatures.forNodeMajor(major).callbackHandlers),
      ['accepted', 'accepted', 'accepted', 'warned', 'warned', 'warned', 'refused', 'refused'],
    )
  })

  it('resolves ES modules through NODE_PATH from Node 18 only', () => {
    assert.deepEqual(
      [12, 14, 16, 18, 20, 22, 24].map((major) => runtimeFeatures.forNodeMajor(major).esModulesFromNodePath),
      [false, false, false, true, true, true, true],
    )
  })

  it("logs load failures and the request id before the first invoke as version 4 of AWS's client does from Node 24", () => {
    const [v3, v4] = [22, 24].map((major) => runtimeFeatures.forNodeMajor(major))
    assert.deepEqual([v3.initErrorLabel, v3.requestIdBeforeFirstInvoke], ['Uncaught Exception', undefined])
    assert.deepEqual([v4.initErrorLabel, v4.requestIdBeforeFirstInvoke], ['Init Error', '-'])
  })
})
