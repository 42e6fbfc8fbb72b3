import {strict as assert} from 'node:assert'
import {readableLogLine} from '../../../src/ui/readable-log.js'

describe('readable log lines', () => {
  it('shows the runtime\'s JSON records in the layout of the Text format', () => {
    const line = JSON.stringify({timestamp: '2024-01-01T00:00:00.000Z', level: 'WARN', requestId: 'r-1', message: 'careful'})
    assert.equal(readableLogLine(line), '2024-01-01T00:00:00.000Z\tr-1\tWARN\tcareful')
    const object = JSON.stringify({timestamp: 't', level: 'INFO', requestId: 'r-1', message: {a: 1}})
    assert.equal(readableLogLine(object), 't\tr-1\tINFO\t{"a":1}')
    const error = JSON.stringify({timestamp: 't', level: 'ERROR', requestId: 'r-1', message: {errorType: 'TypeError', errorMessage: 'boom', stackTrace: ['TypeError: boom', '    at x']}})
    assert.equal(readableLogLine(error), 't\tr-1\tERROR\tTypeError: boom\n    at x')
    const formatted = JSON.stringify({timestamp: 't', level: 'ERROR', requestId: 'r-1', message: 'failed TypeError: boom\n    at x', errorType: 'TypeError', errorMessage: 'boom', stackTrace: ['TypeError: boom', '    at x']})
    assert.equal(readableLogLine(formatted), 't\tr-1\tERROR\tfailed TypeError: boom\n    at x')
  })

  it('shows the platform records as START, END and REPORT lines', () => {
    const record = (type: string, body: Record<string, unknown>) => JSON.stringify({time: 't', type, record: body})
    assert.equal(readableLogLine(record('platform.start', {requestId: 'r-1', version: '$LATEST'})), 'START RequestId: r-1 Version: $LATEST')
    assert.equal(readableLogLine(record('platform.runtimeDone', {requestId: 'r-1', status: 'timeout'})), 'END RequestId: r-1 (timeout)')
    assert.equal(
      readableLogLine(record('platform.report', {requestId: 'r-1', status: 'success', metrics: {durationMs: 1.5, billedDurationMs: 2, memorySizeMB: 128, maxMemoryUsedMB: 128, initDurationMs: 30.25}})),
      'REPORT RequestId: r-1\tInit Duration: 30.25 ms\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB',
    )
  })

  it('leaves every other line as it is', () => {
    for (const line of ['START RequestId: x Version: $LATEST', '{"some":"json"}', '{"timestamp": nope', 'plain text']) assert.equal(readableLogLine(line), line)
  })
})
