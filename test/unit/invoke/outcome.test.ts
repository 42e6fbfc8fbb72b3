import {strict as assert} from 'node:assert'
import {OUTCOME_EXIT_CODES, classifyReply} from '../../../src/invoke/outcome.js'

describe('invoke outcome', () => {
  it('a 200 with a payload is a success, with the payload parsed when it is JSON', () => {
    assert.deepEqual(classifyReply({statusCode: 200, body: '{"ok":true}'}), {outcome: 'success', functionError: null, statusCode: 200, payload: {ok: true}})
    assert.equal(classifyReply({statusCode: 200, body: 'plain'}).payload, 'plain')
    assert.equal(classifyReply({statusCode: 200, body: ''}).payload, null)
  })

  it('a 200 with errorType and errorMessage is a function error, as Lambda marks it Unhandled', () => {
    const c = classifyReply({statusCode: 200, body: '{"errorType":"TypeError","errorMessage":"boom","trace":[]}'})
    assert.equal(c.outcome, 'function-error')
    assert.equal(c.functionError, 'Unhandled')
  })

  it('a payload that merely mentions an error is still a success', () => {
    assert.equal(classifyReply({statusCode: 200, body: '{"errorType":"x"}'}).outcome, 'success')
    assert.equal(classifyReply({statusCode: 200, body: '[{"errorType":"x","errorMessage":"y"}]'}).outcome, 'success')
  })

  it('the timeout text is a timeout even though the status is 200', () => {
    const c = classifyReply({statusCode: 200, body: 'Task timed out after 2.00 seconds'})
    assert.equal(c.outcome, 'timeout')
    assert.equal(c.functionError, 'Unhandled')
  })

  it('a 502 with the error shape (init error, runtime exit) is the function failing', () => {
    const c = classifyReply({statusCode: 502, body: '{"errorType":"Runtime.ExitError","errorMessage":"RequestId: 1 Error: Runtime exited with error: exit status 3"}'})
    assert.equal(c.outcome, 'function-error')
  })

  it('other 5xx, resets and empty replies are emulator failures', () => {
    assert.equal(classifyReply({statusCode: 500, body: ''}).outcome, 'emulator-failure')
    assert.equal(classifyReply({statusCode: 502, body: 'Bad Gateway'}).outcome, 'emulator-failure')
    const reset = classifyReply({error: 'ECONNRESET'})
    assert.deepEqual(reset, {outcome: 'emulator-failure', functionError: null, statusCode: null, payload: null})
  })

  it('each outcome has its own exit code', () => {
    assert.deepEqual(OUTCOME_EXIT_CODES, {success: 0, 'function-error': 10, timeout: 11, 'emulator-failure': 12})
  })
})
