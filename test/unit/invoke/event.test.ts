import {strict as assert} from 'node:assert'
import {InvalidEventError} from '../../../src/errors/index.js'
import {MAX_SYNC_REQUEST_BYTES, checkEvent} from '../../../src/invoke/event.js'

function refusal(fn: () => unknown): InvalidEventError {
  try {
    fn()
  } catch (error) {
    assert.ok(error instanceof InvalidEventError, String(error))
    return error
  }
  assert.fail('expected the event to be refused')
}

describe('checkEvent', () => {
  it("takes Lambda's limit for a synchronous request: 6,291,456 bytes", () => {
    assert.equal(MAX_SYNC_REQUEST_BYTES, 6_291_456)
    const atLimit = Buffer.from(`"${'x'.repeat(MAX_SYNC_REQUEST_BYTES - 2)}"`)
    assert.equal(checkEvent(atLimit, 'e.json'), atLimit)
    const over = refusal(() => checkEvent(Buffer.concat([atLimit, Buffer.from(' ')]), 'e.json'))
    assert.equal(over.code, 'RequestEntityTooLargeException')
    assert.equal(over.exitCode, 2)
    assert.equal(over.message, 'RequestEntityTooLargeException: Request must be smaller than 6291456 bytes for the InvokeFunction operation; the event from e.json is 6291457 bytes.')
  })

  it('refuses what is not JSON as InvalidRequestContentException, as the Invoke API does', () => {
    for (const text of ['{bad', '{"a":1', "{'a': 1}", 'undefined', '{"a":1}\n{"b":2}']) {
      const error = refusal(() => checkEvent(Buffer.from(text), 'stdin'))
      assert.equal(error.code, 'InvalidRequestContentException', text)
      assert.equal(error.exitCode, 2)
      assert.match(error.message, /^InvalidRequestContentException: Could not parse request body into json: .+ \(the event from stdin\)\.$/, text)
    }
  })

  it('sends any JSON value as it is, and an empty event as {}, as Lambda does without a payload', () => {
    for (const text of ['{"a":1}', '[1,2]', '"text"', '42', 'null', ' {"a": 1}\n']) assert.equal(checkEvent(Buffer.from(text), 'x').toString(), text)
    for (const empty of ['', '\n', ' \r\n\t']) assert.equal(checkEvent(Buffer.from(empty), 'x').toString(), '{}')
  })
})
