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
