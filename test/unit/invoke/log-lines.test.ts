import {strict as assert} from 'node:assert'
import {reportedRequest, startedRequest} from '../../../src/invoke/log-lines.js'

describe('invocation log lines', () => {
  it('finds the request ids of START and REPORT lines, not END', () => {
    assert.equal(startedRequest('START RequestId: 8f3e Version: $LATEST'), '8f3e')
    assert.equal(startedRequest('2024 8f3e INFO START RequestId: x'), undefined)
    assert.equal(reportedRequest('REPORT RequestId: 8f3e\tDuration: 1.00 ms\t'), '8f3e')
    assert.equal(reportedRequest('END RequestId: 8f3e'), undefined)
  })
})

describe('invocation log lines in the JSON format', () => {
  it('finds the request ids of platform.start and platform.report records, not of other records', () => {
    const record = (type: string, requestId = 'r-1') => JSON.stringify({time: '2024-01-01T00:00:00.000Z', type, record: {requestId}})
    assert.equal(startedRequest(record('platform.start')), 'r-1')
    assert.equal(reportedRequest(record('platform.report')), 'r-1')
    assert.equal(reportedRequest(record('platform.runtimeDone')), undefined)
    assert.equal(startedRequest(record('platform.report')), undefined)
    assert.equal(startedRequest('{"timestamp":"x","level":"INFO","requestId":"r-1","message":"platform.start"}'), undefined)
    assert.equal(startedRequest('{"time": broken'), undefined)
  })
})
