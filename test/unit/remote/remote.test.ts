import assert from 'node:assert/strict'
import type {EventsPage, LogEvent, LogsApi} from '../../../src/cloudwatch-logs/logs-api.js'
import {AwsError, InterruptedError} from '../../../src/errors/index.js'
import type {FunctionStatus, InvokeAnswer, LambdaApi} from '../../../src/lambda/lambda-api.js'
import {OUTCOME_EXIT_CODES, classifyInvokeAnswer} from '../../../src/invoke/outcome.js'
import {readFunctionLogs, sortEvents} from '../../../src/remote/function-logs.js'
import {invokeRemote} from '../../../src/remote/invoke-remote.js'
import {parseSince} from '../../../src/app/logs.js'

function lambdaAnswering(answer: InvokeAnswer): Pick<LambdaApi, 'invoke'> & {sent: {name: string; payload: string; qualifier?: string}[]} {
  const sent: {name: string; payload: string; qualifier?: string}[] = []
  return {
    sent,
    async invoke(name, payload, options) {
      sent.push({name, payload: Buffer.from(payload).toString(), ...(options?.qualifier ? {qualifier: options.qualifier} : {})})
      return answer
    },
  }
}

describe('invoke --remote', () => {
  it('tells success, function error and timeout apart as a local invoke does, by Lambda\'s X-Amz-Function-Error', () => {
    assert.equal(classifyInvokeAnswer({statusCode: 200, body: '{"errorType":"x","errorMessage":"a returned value"}'}).outcome, 'success')
    assert.equal(classifyInvokeAnswer({statusCode: 200, functionError: 'Unhandled', body: '{"errorType":"TypeError","errorMessage":"boom"}'}).outcome, 'function-error')
    const sandbox = classifyInvokeAnswer({statusCode: 200, functionError: 'Unhandled', body: '{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: 1 Error: Task timed out after 3.00 seconds"}'})
    assert.equal(sandbox.outcome, 'timeout')
    assert.equal(OUTCOME_EXIT_CODES[sandbox.outcome], 11)
    assert.equal(classifyInvokeAnswer({statusCode: 200, functionError: 'Unhandled', body: '{"errorMessage":"2024-01-01T00:00:00.000Z 1 Task timed out after 1.00 seconds"}'}).outcome, 'timeout')
    assert.equal(classifyInvokeAnswer({statusCode: 200, functionError: 'Unhandled', body: 'not json'}).outcome, 'function-error')
  })

  it('sends the event to the function (and qualifier), and returns the payload as sent with the log tail as lines', async () => {
    const tail = 'START RequestId: abc Version: 1\n2024\tabc\tINFO\thi\nEND RequestId: abc\nREPORT RequestId: abc\tDuration: 1 ms\t\n'
    const lambda = lambdaAnswering({statusCode: 200, payload: Buffer.from('{"ok":true}'), logTail: tail, executedVersion: '1'})
    const report = await invokeRemote({lambda}, {functionName: 'fn', event: Buffer.from('{"a":1}'), qualifier: 'live'})
    assert.deepEqual(lambda.sent, [{name: 'fn', payload: '{"a":1}', qualifier: 'live'}])
    assert.equal(report.body, '{"ok":true}')
    assert.deepEqual(report.result.payload, {ok: true})
    assert.equal(report.result.outcome, 'success')
    assert.equal(report.result.requestId, 'abc')
    assert.equal(report.result.executedVersion, '1')
    assert.deepEqual(report.logs.map((l) => l.text), ['START RequestId: abc Version: 1', '2024\tabc\tINFO\thi', 'END RequestId: abc', 'REPORT RequestId: abc\tDuration: 1 ms\t'])
  })
})

class FakeLogs implements LogsApi {
  events: LogEvent[] = []
  calls: number[] = []
  exists = true
  pageSize = 2
  async filterEvents(_group: string, options: {startTime: number; nextToken?: string}): Promise<EventsPage | undefined> {
    this.calls.push(options.startTime)
    if (!this.exists) return undefined
    const matching = this.events.filter((e) => e.timestamp >= options.startTime)
    const offset = Number(options.nextToken ?? 0)
    const next = offset + this.pageSize < matching.length ? String(offset + this.pageSize) : undefined
    return {events: matching.slice(offset, offset + this.pageSize), ...(next ? {nextToken: next} : {})}
  }
}

const event = (n: number, timestamp: number, stream = 's'): LogEvent => ({eventId: String(n).padStart(4, '0'), timestamp, message: `line ${n}\n`, logStreamName: stream})
const lambdaWith = (status: Partial<FunctionStatus> | undefined): Pick<LambdaApi, 'getFunctionConfiguration'> => ({
  getFunctionConfiguration: async () => (status ? ({functionName: 'fn', functionArn: 'a', version: '$LATEST', architectures: [], settings: {} as FunctionStatus['settings'], ...status} as FunctionStatus) : undefined),
})

describe('logs --remote', () => {
  it('prints the window\'s events across streams and pages, oldest first, from the function\'s own log group', async () => {
    const logs = new FakeLogs()
    logs.events = [event(3, 5000, 'b'), event(1, 4000, 'a'), event(2, 4500, 'b')]
    const lines: string[] = []
    const result = await readFunctionLogs({lambda: lambdaWith({logGroup: '/custom/group'}), logs, now: () => 10_000}, {functionName: 'fn', sinceMs: 7000, follow: false}, (l) => lines.push(l.text))
    assert.deepEqual(lines, ['line 1', 'line 2', 'line 3'])
    assert.deepEqual(result, {functionName: 'fn', logGroup: '/custom/group', logGroupExists: true, lines: 3})
    assert.deepEqual(logs.calls, [3000, 3000])
    const tail: string[] = []
    await readFunctionLogs({lambda: lambdaWith({}), logs, now: () => 10_000}, {functionName: 'fn', sinceMs: 7000, follow: false, tail: 1}, (l) => tail.push(l.text))
    assert.deepEqual(tail, ['line 3'])
  })

  it('--follow prints each new event once, until Ctrl-C ends it without an error', async () => {
    const logs = new FakeLogs()
    logs.exists = false
    const controller = new AbortController()
    const lines: string[] = []
    let polls = 0
    const result = await readFunctionLogs(
      {
        lambda: lambdaWith({}),
        logs,
        now: () => 10_000,
        sleep: async () => {
          polls += 1
          // The group appears (the first invoke), then more events, some at the same millisecond as the last seen.
          if (polls === 1) {
            logs.exists = true
            logs.events = [event(1, 11_000), event(2, 11_000)]
          }
          if (polls === 2) logs.events.push(event(3, 11_000), event(4, 12_000))
          if (polls === 4) controller.abort(new InterruptedError())
        },
      },
      {functionName: 'fn', sinceMs: 1000, follow: true, signal: controller.signal},
      (l) => lines.push(l.text),
    )
    assert.deepEqual(lines, ['line 1', 'line 2', 'line 3', 'line 4'])
    assert.equal(result.logGroupExists, true)
  })

  it('a function that does not exist is an error; one never invoked has no group yet, which is no error', async () => {
    await assert.rejects(readFunctionLogs({lambda: lambdaWith(undefined), logs: new FakeLogs()}, {functionName: 'fn', sinceMs: 1, follow: false}, () => {}), AwsError)
    const logs = new FakeLogs()
    logs.exists = false
    const result = await readFunctionLogs({lambda: lambdaWith({}), logs}, {functionName: 'fn', sinceMs: 1, follow: false}, () => {})
    assert.deepEqual(result, {functionName: 'fn', logGroup: '/aws/lambda/fn', logGroupExists: false, lines: 0})
  })

  it('orders events of one millisecond as CloudWatch took them in; --since takes s, m, h, d', () => {
    assert.deepEqual(sortEvents([event(2, 5), event(1, 5), event(0, 9)]).map((e) => e.eventId), ['0001', '0002', '0000'])
    assert.equal(parseSince('30s'), 30_000)
    assert.equal(parseSince('10'), 600_000)
    assert.equal(parseSince('2h'), 7_200_000)
    assert.throws(() => parseSince('yesterday'), /Invalid --since/)
  })
})
