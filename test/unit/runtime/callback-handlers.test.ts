import {strict as assert} from 'node:assert'

import {callbackHandlers} from './runtime-client-modules.js'

// Only the number of declared parameters matters to the runtime.
const handlers = {
  twoArgs: (_event: unknown, _context: unknown) => 1,
  callback: (_event: unknown, _context: unknown, _callback: unknown) => 1,
  asyncCallback: async (_event: unknown, _context: unknown, _callback: unknown) => 1,
  fourArgs: (_event: unknown, _context: unknown, _callback: unknown, _extra: unknown) => 1,
}

function warnings(run: () => void): string[] {
  const original = console.warn
  const seen: string[] = []
  console.warn = (message: string) => seen.push(message)
  try {
    run()
  } finally {
    console.warn = original
  }
  return seen
}

describe('runtime client: callback handlers', () => {
  it('refuses three or more parameters, async or not, from Node 24', () => {
    for (const handler of [handlers.callback, handlers.asyncCallback, handlers.fourArgs]) {
      assert.throws(() => callbackHandlers.check(handler, 'refused', {}), (error: Error) => {
        assert.equal(error.name, 'Runtime.CallbackHandlerDeprecated')
        assert.equal(error.message, callbackHandlers.REMOVED)
        assert.ok(Object.prototype.hasOwnProperty.call(error, 'name'), 'named on the instance, as version 4 does')
        return true
      })
    }
    assert.doesNotThrow(() => callbackHandlers.check(handlers.twoArgs, 'refused', {}))
  })

  it('warns for exactly three parameters of a function that is not async, unless the variable is set at all', () => {
    assert.deepEqual(warnings(() => callbackHandlers.check(handlers.callback, 'warned', {})), [callbackHandlers.WARNING])
    for (const [handler, env] of [
      [handlers.callback, {AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING: ''}],
      [handlers.asyncCallback, {}],
      [handlers.fourArgs, {}],
      [handlers.twoArgs, {}],
    ] as const) {
      assert.deepEqual(warnings(() => callbackHandlers.check(handler, 'warned', env)), [])
    }
    assert.deepEqual(warnings(() => callbackHandlers.check(handlers.callback, 'accepted', {})), [])
  })
})
