import {strict as assert} from 'node:assert'

import {request} from './http-client.js'
import {BEHAVIOURS, ISO_TIME, UUID, type OutcomeSuite, cjs, countOf, endIds, runtimeOf, startIds} from './suite-context.js'

const CONTEXT_FIXTURE = cjs(`
exports.handler = async (event, context) => ({
  awsRequestId: context.awsRequestId,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  waits: context.callbackWaitsForEmptyEventLoop === undefined ? 'none' : context.callbackWaitsForEmptyEventLoop,
  succeed: typeof context.succeed,
  clientContext: context.clientContext,
  identity: context.identity === undefined ? 'none' : context.identity,
  traceId: process.env._X_AMZN_TRACE_ID === undefined ? 'none' : process.env._X_AMZN_TRACE_ID,
  env: {
    handler: process.env._HANDLER,
    runtimeApi: process.env.AWS_LAMBDA_RUNTIME_API,
    greeting: process.env.GREETING,
    name: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    version: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    logGroup: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStream: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  },
})
`)

export function describeContextAndLogs(suite: OutcomeSuite, options: {logFormats: boolean} = {logFormats: true}): void {
  const {invoke, waitForLogs} = suite

  describe('context and environment', () => {
    it('fills the context and environment with the emulator defaults', async () => {
      await suite.target.start(CONTEXT_FIXTURE)
      const body = JSON.parse((await invoke({})).body)
      const [id] = endIds(await waitForLogs((l) => endIds(l).length === 1, 'END'))
      const callbacks = !runtimeOf(suite.target.nodeMajor).refusesCallbacks
      assert.equal(body.awsRequestId, id)
      assert.equal(body.functionName, 'test_function')
      assert.equal(body.functionVersion, '$LATEST')
      assert.equal(body.invokedFunctionArn, 'arn:aws:lambda:us-east-1:012345678912:function:test_function')
      assert.equal(body.memoryLimitInMB, '3008')
      assert.equal(body.logGroupName, '/aws/lambda/Functions')
      assert.equal(body.logStreamName, '$LATEST')
      assert.ok(body.remaining > 0 && body.remaining <= 300_000, `remaining ${body.remaining}`)
      assert.equal(body.waits, callbacks ? true : 'none')
      assert.equal(body.succeed, callbacks ? 'function' : 'undefined')
      assert.equal(body.clientContext, undefined)
      assert.equal(body.identity, 'none')
      assert.equal(body.traceId, 'none')
      assert.equal(body.env.handler, 'index.handler')
      assert.match(body.env.runtimeApi, /^[\w.-]+:\d+$/)
      assert.deepEqual(
        [body.env.name, body.env.memory, body.env.version, body.env.logGroup, body.env.logStream],
        ['test_function', '3008', '$LATEST', '/aws/lambda/Functions', '$LATEST'],
      )
    })

    it('takes the function settings and other variables from the environment', async () => {
      await suite.target.start(CONTEXT_FIXTURE, {
        AWS_LAMBDA_FUNCTION_NAME: 'orders',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
        AWS_LAMBDA_FUNCTION_TIMEOUT: '7',
        AWS_LAMBDA_FUNCTION_VERSION: '3',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders',
        GREETING: 'hello',
      })
      const body = JSON.parse((await invoke({})).body)
      assert.equal(body.functionName, 'orders')
      assert.equal(body.invokedFunctionArn, 'arn:aws:lambda:us-east-1:012345678912:function:orders')
      assert.equal(body.memoryLimitInMB, '512')
      assert.equal(body.functionVersion, '3')
      assert.equal(body.logGroupName, '/aws/lambda/orders')
      assert.equal(body.logStreamName, '$LATEST')
      assert.equal(body.env.greeting, 'hello')
      assert.ok(body.remaining > 0 && body.remaining <= 7000, `remaining ${body.remaining}`)
      const logs = await waitForLogs((l) => /^REPORT /m.test(l), 'REPORT')
      assert.match(logs, new RegExp(`^START RequestId: ${UUID} Version: 3$`, 'm'))
      assert.match(logs, /\tMemory Size: 512 MB\tMax Memory Used: 512 MB\t$/m)
    })

    it('passes a base64 client context to the function, and not the trace id', async () => {
      await suite.target.start(CONTEXT_FIXTURE)
      const clientContext = {custom: {tenant: 't1'}, env: {platform: 'test'}}
      const answer = await invoke({}, {
        'X-Amz-Client-Context': Buffer.from(JSON.stringify(clientContext)).toString('base64'),
        'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      })
      const body = JSON.parse(answer.body)
      assert.deepEqual(body.clientContext, clientContext)
      // AWS's emulator traces nothing, so the runtime gets no Lambda-Runtime-Trace-Id.
      assert.equal(body.traceId, 'none')
    })

    it('answers 500 with no body and no Content-Type to a client context that is not base64', async () => {
      await suite.target.start(CONTEXT_FIXTURE)
      const answer = await invoke({}, {'X-Amz-Client-Context': 'not base64!'})
      assert.equal(answer.status, 500)
      assert.equal(answer.body, '')
      assert.equal(answer.headers['content-type'], undefined)
      assert.equal(answer.headers['content-length'], '0')
    })
  })

  describe('logs', () => {
    it('prints START, END and REPORT, with Init Duration only after the cold start', async () => {
      await suite.target.start(BEHAVIOURS)
      await invoke({})
      await invoke({})
      const logs = await waitForLogs((l) => countOf(l, 'REPORT RequestId') === 2, 'two REPORT lines')
      const lifecycle = logs.split('\n').filter((line) => /^(START|END|REPORT) RequestId/.test(line)).map((line) => line.split(' ')[0])
      assert.deepEqual(lifecycle, ['START', 'END', 'REPORT', 'START', 'END', 'REPORT'])
      const [first, second] = endIds(logs)
      // AWS's emulator prints an id in START that is not the invoke's; limg's keeps one id.
      if (suite.emulator === 'limg') assert.deepEqual(startIds(logs), [first, second])
      const lines = logs.split('\n')
      const report = (id: string) => lines.find((line) => line.startsWith(`REPORT RequestId: ${id}`)) ?? ''
      const cold = new RegExp(
        `^REPORT RequestId: ${first}\\tInit Duration: \\d+\\.\\d{2} ms\\tDuration: (\\d+\\.\\d{2}) ms\\tBilled Duration: (\\d+) ms\\tMemory Size: 3008 MB\\tMax Memory Used: 3008 MB\\t$`,
      )
      const warm = new RegExp(
        `^REPORT RequestId: ${second}\\tDuration: (\\d+\\.\\d{2}) ms\\tBilled Duration: (\\d+) ms\\tMemory Size: 3008 MB\\tMax Memory Used: 3008 MB\\t$`,
      )
      for (const [line, pattern] of [[report(first), cold], [report(second), warm]] as const) {
        const match = pattern.exec(line)
        assert.ok(match, `REPORT line: ${JSON.stringify(line)}`)
        const duration = Number(match[1])
        const billed = Number(match[2])
        assert.ok(billed >= duration && billed < duration + 1.01, `billed ${billed} for ${duration}`)
      }
    })

    it('writes console calls as time, request id, level and message', async () => {
      await suite.target.start(
        cjs(`
exports.handler = async () => {
  console.log('hello %s', 'world', {a: 1})
  console.info('info line')
  console.warn('warn line')
  console.error('error line')
  console.debug('debug line')
  console.log('first\\nsecond')
  return 'logged'
}
`),
      )
      await invoke({})
      const logs = await waitForLogs((l) => l.includes('first\rsecond') && endIds(l).length === 1, 'the multi-line record')
      const [id] = endIds(logs)
      const prefix = (level: string) => `^${ISO_TIME}\\t${id}\\t${level}\\t`
      assert.match(logs, new RegExp(`${prefix('INFO')}hello world \\{ a: 1 \\}$`, 'm'))
      assert.match(logs, new RegExp(`${prefix('INFO')}info line$`, 'm'))
      assert.match(logs, new RegExp(`${prefix('WARN')}warn line$`, 'm'))
      assert.match(logs, new RegExp(`${prefix('ERROR')}error line$`, 'm'))
      assert.match(logs, new RegExp(`${prefix('DEBUG')}debug line$`, 'm'))
      assert.match(logs, new RegExp(`${prefix('INFO')}first\\rsecond$`, 'm'), 'a multi-line message stays one record')
    })

    it('logs a handler error as Invoke Error with its JSON', async () => {
      await suite.target.start(BEHAVIOURS)
      await invoke({throw: 'logged boom'})
      const logs = await waitForLogs((l) => l.includes('Invoke Error') && endIds(l).length === 1, 'Invoke Error')
      const [id] = endIds(logs)
      const line = logs.split('\n').find((l) => l.includes('\tInvoke Error \t')) ?? ''
      const match = new RegExp(`^${ISO_TIME}\\t${id}\\tERROR\\tInvoke Error \\t(\\{.*\\})$`).exec(line)
      assert.ok(match, `Invoke Error line: ${JSON.stringify(line)}`)
      const logged = JSON.parse(match[1])
      assert.equal(logged.errorType, 'TypeError')
      assert.equal(logged.errorMessage, 'logged boom')
      assert.equal(logged.stack[0], 'TypeError: logged boom')
    })

    if (options.logFormats) it('writes JSON records with AWS_LAMBDA_LOG_FORMAT=JSON, dropping levels below AWS_LAMBDA_LOG_LEVEL, and the platform records as JSON', async () => {
      await suite.target.start(
        cjs(`
exports.handler = async () => {
  console.debug('dropped debug')
  console.info('dropped info')
  console.log({dropped: true})
  console.warn('kept warn', {a: 1})
  console.error(new TypeError('kept error'))
  return 'logged'
}
`),
        {AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'WARN', LIMG_SYSTEM_LOG_LEVEL: 'DEBUG'},
      )
      await invoke({})
      const done = (l: string) => (suite.emulator === 'limg' ? l.includes('"type":"platform.report"') : endIds(l).length === 1)
      const logs = await waitForLogs((l) => l.includes('kept error') && done(l), 'the JSON records and the report')
      const lines = logs.split('\n')
      const records = lines.filter((l) => l.startsWith('{"timestamp"')).map((l) => JSON.parse(l) as Record<string, unknown>)
      assert.deepEqual(records.map((r) => r.level), ['WARN', 'ERROR'], logs)
      assert.equal(records[0].message, 'kept warn { a: 1 }')
      assert.match(String(records[0].timestamp), new RegExp(`^${ISO_TIME}$`))
      const error = records[1].message as Record<string, unknown>
      assert.equal(error.errorType, 'TypeError')
      assert.equal(error.errorMessage, 'kept error')
      assert.equal((error.stackTrace as string[])[0], 'TypeError: kept error')
      assert.doesNotMatch(logs, /dropped/)
      if (suite.emulator === 'aws') {
        // AWS's emulator writes its own lines as text in either format.
        assert.equal(records[0].requestId, endIds(logs)[0])
        return
      }
      const platform = lines.filter((l) => l.startsWith('{"time"')).map((l) => JSON.parse(l) as {time: string; type: string; record: Record<string, unknown>})
      assert.deepEqual(platform.map((p) => p.type), ['platform.initStart', 'platform.start', 'platform.runtimeDone', 'platform.report'])
      assert.doesNotMatch(logs, /^(START|END|REPORT) RequestId/m)
      const id = platform[1].record.requestId
      assert.match(String(id), new RegExp(`^${UUID}$`))
      assert.equal(records[0].requestId, id)
      assert.deepEqual(platform[1].record, {requestId: id, version: '$LATEST'})
      const report = platform[3].record as {requestId: string; status: string; metrics: Record<string, number>}
      assert.equal(report.requestId, id)
      assert.equal(report.status, 'success')
      assert.ok(report.metrics.billedDurationMs >= report.metrics.durationMs && report.metrics.initDurationMs >= 0, JSON.stringify(report))
      assert.equal(report.metrics.memorySizeMB, 3008)
      assert.equal((platform[2].record as {status: string}).status, 'success')
    })

    if (options.logFormats) it('leaves out the platform records below the system log level (INFO by default: no runtimeDone; WARN: none)', async () => {
      const fixture = cjs("exports.handler = async () => { console.warn('marker'); return 1 }\n")
      await suite.target.start(fixture, {AWS_LAMBDA_LOG_FORMAT: 'JSON'})
      await invoke({})
      if (suite.emulator === 'aws') {
        // AWS's emulator knows no system log level: its text lines stay.
        const text = await waitForLogs((l) => endIds(l).length === 1 && countOf(l, 'REPORT RequestId') === 1, 'the text REPORT line')
        assert.doesNotMatch(text, /platform\./)
        return
      }
      const logs = await waitForLogs((l) => l.includes('"type":"platform.report"'), 'the report')
      assert.deepEqual([...logs.matchAll(/"type":"(platform\.\w+)"/g)].map((m) => m[1]), ['platform.initStart', 'platform.start', 'platform.report'])
      const quiet = suite.createTarget()
      try {
        await quiet.start(fixture, {AWS_LAMBDA_LOG_FORMAT: 'JSON', LIMG_SYSTEM_LOG_LEVEL: 'WARN'})
        await request(quiet.invokeUrl(), {body: '{}'})
        for (let i = 0; i < 200 && !quiet.logs().includes('marker'); i++) await new Promise((r) => setTimeout(r, 25))
        assert.match(quiet.logs(), /marker/)
        assert.doesNotMatch(quiet.logs(), /platform\./)
        assert.doesNotMatch(quiet.logs(), /LIMG_SYSTEM_LOG_LEVEL/)
      } finally {
        await quiet.stop()
      }
    })

    it("passes the runtime's stdout and stderr through", async () => {
      await suite.target.start(
        cjs("exports.handler = async () => { process.stdout.write('raw out\\n'); process.stderr.write('raw err\\n'); return 1 }\n"),
      )
      await invoke({})
      await waitForLogs((l) => l.includes('raw out\n') && l.includes('raw err\n'), 'raw output')
    })
  })
}
