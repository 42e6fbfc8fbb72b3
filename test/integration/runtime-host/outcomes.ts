import {strict as assert} from 'node:assert'

import {type HttpAnswer, request} from './http-client.js'
import type {HandlerFixture, RuntimeTarget} from './target.js'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
const ISO_TIME = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z'
const MAX_PAYLOAD = 6291556

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function cjs(source: string): HandlerFixture {
  return {handler: 'index.handler', files: {'index.js': source}}
}

// One handler module that can be told by its event to misbehave, and that
// counts its invokes so a test can tell a warm runtime from a fresh one.
const BEHAVIOURS = cjs(`
let invokes = 0
console.log('init of behaviours')
exports.handler = async (event, context) => {
  invokes++
  if (event.throw) throw new TypeError(event.throw)
  if (event.exit !== undefined) process.exit(event.exit)
  if (event.hang) await new Promise((r) => setTimeout(r, 600000))
  if (event.size) return 'x'.repeat(event.size)
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep))
  return {invokes, echo: event.echo, requestId: context.awsRequestId}
}
`)

/** The outcome table of the Runtime Interface Emulator, for any place the function runs. */
export function describeRuntimeOutcomes(label: string, createTarget: () => RuntimeTarget): void {
  describe(`Lambda runtime outcomes (${label})`, function () {
    this.timeout(60_000)
    let target: RuntimeTarget

    beforeEach(() => {
      target = createTarget()
    })

    afterEach(async () => {
      await target.stop()
    })

    const invoke = (event: unknown = {}, headers: Record<string, string> = {}, method = 'POST') =>
      request(target.invokeUrl(), {method, headers, body: JSON.stringify(event)})

    async function waitForLogs(predicate: (logs: string) => boolean, what: string): Promise<string> {
      for (let i = 0; i < 200; i++) {
        const logs = target.logs()
        if (predicate(logs)) return logs
        await sleep(25)
      }
      assert.fail(`logs never showed ${what}:\n${target.logs()}`)
    }

    // Node 12 has ES modules but not top-level await: there the same fixture is an init error.
    const supportsTopLevelAwait = () => target.nodeMajor >= 14
    async function assertTopLevelAwaitResult(expected: unknown): Promise<void> {
      const answer = await invoke({})
      if (supportsTopLevelAwait()) {
        assert.deepEqual(JSON.parse(answer.body), expected)
      } else {
        assert.equal(answer.status, 502)
        assert.equal(JSON.parse(answer.body).errorType, 'Runtime.UserCodeSyntaxError')
      }
    }

    const requestIds = (logs: string) => [...logs.matchAll(new RegExp(`^START RequestId: (${UUID}) Version: `, 'gm'))].map((m) => m[1])
    const countOf = (logs: string, text: string) => logs.split(text).length - 1

    function assertPlain(answer: HttpAnswer): void {
      assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8')
      assert.equal(answer.headers['x-amz-function-error'], undefined)
    }

    describe('outcomes', () => {
      it('answers 200 with the payload on success', async () => {
        await target.start(BEHAVIOURS)
        const answer = await invoke({echo: 'hi'})
        assert.equal(answer.status, 200)
        assertPlain(answer)
        const body = JSON.parse(answer.body)
        assert.equal(body.echo, 'hi')
        assert.match(body.requestId, new RegExp(`^${UUID}$`))
      })

      it('answers 200 with the posted error when the handler throws, and stays warm', async () => {
        await target.start(BEHAVIOURS)
        const answer = await invoke({throw: 'boom'})
        assert.equal(answer.status, 200)
        assertPlain(answer)
        const body = JSON.parse(answer.body)
        assert.deepEqual(Object.keys(body), ['errorType', 'errorMessage', 'trace'])
        assert.equal(body.errorType, 'TypeError')
        assert.equal(body.errorMessage, 'boom')
        assert.equal(body.trace[0], 'TypeError: boom')
        assert.ok(body.trace.length > 1)

        const next = JSON.parse((await invoke({})).body)
        assert.equal(next.invokes, 2, 'the same runtime process served the second invoke')
      })

      it('answers 200 "Task timed out after 2.00 seconds", then starts a fresh runtime', async () => {
        await target.start(BEHAVIOURS, {AWS_LAMBDA_FUNCTION_TIMEOUT: '2'})
        const answer = await invoke({hang: true})
        assert.equal(answer.status, 200)
        assertPlain(answer)
        assert.equal(answer.body, 'Task timed out after 2.00 seconds')

        const next = JSON.parse((await invoke({})).body)
        assert.equal(next.invokes, 1, 'a new runtime process served the next invoke')
        const logs = await waitForLogs((l) => countOf(l, 'init of behaviours') === 2, 'a second init')
        const [first] = requestIds(logs)
        assert.match(logs, new RegExp(`^END RequestId: ${first}$`, 'm'))
        assert.match(logs, new RegExp(`^REPORT RequestId: ${first}\\t.*Duration: 2000\\.00 ms\\tBilled Duration: 2000 ms\\t`, 'm'))
      })

      it('answers 502 Runtime.ExitError when the runtime exits, then starts a fresh runtime', async () => {
        await target.start(BEHAVIOURS)
        const answer = await invoke({exit: 3})
        assert.equal(answer.status, 502)
        assertPlain(answer)
        const [id] = requestIds(await waitForLogs((l) => requestIds(l).length === 1, 'START'))
        assert.equal(
          answer.body,
          `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${id} Error: Runtime exited with error: exit status 3"}`,
        )
        const next = await invoke({})
        assert.equal(next.status, 200)
        assert.equal(JSON.parse(next.body).invokes, 1)
      })

      it('reports an uncaught exception as the invoke error, then starts a fresh runtime', async () => {
        await target.start(
          cjs(`
let invokes = 0
exports.handler = (event, context, callback) => {
  invokes++
  if (event.crash) setTimeout(() => { throw new SyntaxError('late crash') }, 10)
  else callback(null, {invokes})
}
`),
        )
        const answer = await invoke({crash: true})
        assert.equal(answer.status, 200)
        const body = JSON.parse(answer.body)
        assert.equal(body.errorType, 'SyntaxError')
        assert.equal(body.errorMessage, 'late crash')
        assert.deepEqual(JSON.parse((await invoke({})).body), {invokes: 1})
      })

      it('words an exit with status 0 as the Go emulator does', async () => {
        await target.start(BEHAVIOURS)
        const answer = await invoke({exit: 0})
        assert.equal(answer.status, 502)
        assert.match(answer.body, /"errorMessage":"RequestId: [0-9a-f-]+ Error: Runtime exited without providing a reason"/)
      })

      it('answers 502 with the init error on every invoke when the module is missing', async () => {
        await target.start({handler: 'missing.handler', files: {'index.js': 'exports.handler = async () => 1\n'}})
        for (let attempt = 1; attempt <= 2; attempt++) {
          const answer = await invoke({})
          assert.equal(answer.status, 502)
          assertPlain(answer)
          const body = JSON.parse(answer.body)
          assert.equal(body.errorType, 'Runtime.ImportModuleError')
          assert.match(body.errorMessage, /^Error: Cannot find module 'missing'/)
          assert.ok(Array.isArray(body.trace))
          await waitForLogs((l) => countOf(l, '\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError"') === attempt, `init attempt ${attempt}`)
        }
      })

      it('answers 502 Runtime.HandlerNotFound for a missing export', async () => {
        await target.start({handler: 'index.nope', files: {'index.js': 'exports.handler = async () => 1\n'}})
        const answer = await invoke({})
        assert.equal(answer.status, 502)
        assert.deepEqual(
          {...JSON.parse(answer.body), trace: undefined},
          {errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nope is undefined or not exported', trace: undefined},
        )
      })

      it('answers 502 with the error a module throws while loading', async () => {
        await target.start(cjs("throw new RangeError('bad config')\n"))
        const answer = await invoke({})
        assert.equal(answer.status, 502)
        const body = JSON.parse(answer.body)
        assert.equal(body.errorType, 'RangeError')
        assert.equal(body.errorMessage, 'bad config')
      })

      it('answers 502 with the error of a failed top-level await', async () => {
        await target.start({
          handler: 'index.handler',
          files: {'index.mjs': "await Promise.reject(new Error('no secrets'))\nexport const handler = async () => 1\n"},
        })
        const answer = await invoke({})
        assert.equal(answer.status, 502)
        const body = JSON.parse(answer.body)
        if (!supportsTopLevelAwait()) {
          assert.equal(body.errorType, 'Runtime.UserCodeSyntaxError')
          return
        }
        assert.equal(body.errorType, 'Error')
        assert.equal(body.errorMessage, 'no secrets')
      })

      it('answers 200 Function.ResponseSizeTooLarge for a response over 6291556 bytes, and stays warm', async () => {
        await target.start(BEHAVIOURS)
        const answer = await invoke({size: MAX_PAYLOAD})
        assert.equal(answer.status, 200)
        assertPlain(answer)
        const size = MAX_PAYLOAD + 2 // the JSON quotes
        assert.equal(
          answer.body,
          `{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size (${size} bytes) exceeded maximum allowed payload size (${MAX_PAYLOAD} bytes)."}`,
        )
        const next = JSON.parse((await invoke({})).body)
        assert.equal(next.invokes, 2)
      })

      it('passes a response of exactly 6291556 bytes', async () => {
        await target.start(BEHAVIOURS)
        const answer = await invoke({size: MAX_PAYLOAD - 2})
        assert.equal(answer.status, 200)
        assert.equal(answer.body.length, MAX_PAYLOAD)
      })
    })

    describe('handler styles', () => {
      it('waits for the empty event loop before sending a callback result', async () => {
        await target.start(
          cjs(`
exports.handler = (event, context, callback) => {
  setTimeout(() => console.log('timer fired'), 200)
  callback(null, {style: 'callback', waits: context.callbackWaitsForEmptyEventLoop})
}
`),
        )
        const answer = await invoke({})
        assert.deepEqual(JSON.parse(answer.body), {style: 'callback', waits: true})
        assert.match(target.logs(), /\tINFO\ttimer fired\n/, 'the timer ran before the response was sent')
      })

      it('sends a callback result at once when callbackWaitsForEmptyEventLoop is false', async () => {
        await target.start(
          cjs(`
exports.handler = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false
  setTimeout(() => console.log('late timer fired'), 60000)
  callback(null, 'early')
}
`),
        )
        const answer = await invoke({})
        assert.equal(answer.body, '"early"')
        assert.doesNotMatch(target.logs(), /late timer fired/)
      })

      it('reports a callback error', async () => {
        await target.start(cjs("exports.handler = (e, c, callback) => callback(new Error('nope'))\n"))
        const body = JSON.parse((await invoke({})).body)
        assert.equal(body.errorType, 'Error')
        assert.equal(body.errorMessage, 'nope')
      })

      it('loads an .mjs module after its top-level await', async () => {
        await target.start({
          handler: 'app.handler',
          files: {
            'app.mjs': `
const config = await new Promise((r) => setTimeout(() => r({ready: true}), 300))
export const handler = async () => ({kind: 'mjs', config})
`,
          },
        })
        await assertTopLevelAwaitResult({kind: 'mjs', config: {ready: true}})
      })

      it('loads a .js ES module under "type": "module"', async () => {
        await target.start({
          handler: 'index.handler',
          files: {
            'package.json': '{"type": "module"}\n',
            'index.js': `
const ready = await Promise.resolve('yes')
export const handler = async () => ({kind: 'type-module', ready, esm: typeof require === 'undefined'})
`,
          },
        })
        await assertTopLevelAwaitResult({kind: 'type-module', ready: 'yes', esm: true})
      })

      it('loads an .mjs module without top-level await', async () => {
        await target.start({
          handler: 'index.handler',
          files: {
            'index.mjs': "import {basename} from 'path'\nexport const handler = async () => ({kind: 'plain-mjs', base: basename('/a/b.txt')})\n",
          },
        })
        assert.deepEqual(JSON.parse((await invoke({})).body), {kind: 'plain-mjs', base: 'b.txt'})
      })

      it('loads a .cjs module even under "type": "module"', async () => {
        await target.start({
          handler: 'index.handler',
          files: {
            'package.json': '{"type": "module"}\n',
            'index.cjs': "module.exports.handler = async () => ({kind: 'cjs', cjs: typeof require === 'function'})\n",
          },
        })
        assert.deepEqual(JSON.parse((await invoke({})).body), {kind: 'cjs', cjs: true})
      })

      it('resolves nested paths and dotted exports', async () => {
        await target.start({
          handler: 'src/app.handlers.main',
          files: {'src/app.js': "exports.handlers = {main: async () => 'nested'}\n"},
        })
        assert.equal((await invoke({})).body, '"nested"')
      })
    })

    describe('context and environment', () => {
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
  waits: context.callbackWaitsForEmptyEventLoop,
  clientContext: context.clientContext,
  identity: context.identity === undefined ? 'none' : context.identity,
  traceId: process.env._X_AMZN_TRACE_ID,
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

      it('fills the context and environment with the emulator defaults', async () => {
        await target.start(CONTEXT_FIXTURE)
        const body = JSON.parse((await invoke({})).body)
        const [id] = requestIds(await waitForLogs((l) => requestIds(l).length === 1, 'START'))
        assert.equal(body.awsRequestId, id)
        assert.equal(body.functionName, 'test_function')
        assert.equal(body.functionVersion, '$LATEST')
        assert.equal(body.invokedFunctionArn, 'arn:aws:lambda:us-east-1:012345678912:function:test_function')
        assert.equal(body.memoryLimitInMB, '3008')
        assert.equal(body.logGroupName, '/aws/lambda/Functions')
        assert.equal(body.logStreamName, '$LATEST')
        assert.ok(body.remaining > 0 && body.remaining <= 300_000, `remaining ${body.remaining}`)
        assert.equal(body.waits, true)
        assert.equal(body.clientContext, undefined)
        assert.equal(body.identity, 'none')
        assert.equal(body.traceId, undefined)
        assert.equal(body.env.handler, 'index.handler')
        assert.match(body.env.runtimeApi, /^[\w.-]+:\d+$/)
        assert.deepEqual(
          [body.env.name, body.env.memory, body.env.version, body.env.logGroup, body.env.logStream],
          ['test_function', '3008', '$LATEST', '/aws/lambda/Functions', '$LATEST'],
        )
      })

      it('takes the function settings and other variables from the environment', async () => {
        await target.start(CONTEXT_FIXTURE, {
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

      it('passes a base64 client context and the trace id to the function', async () => {
        await target.start(CONTEXT_FIXTURE)
        const clientContext = {custom: {tenant: 't1'}, env: {platform: 'test'}}
        const answer = await invoke({}, {
          'X-Amz-Client-Context': Buffer.from(JSON.stringify(clientContext)).toString('base64'),
          'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
        })
        const body = JSON.parse(answer.body)
        assert.deepEqual(body.clientContext, clientContext)
        assert.equal(body.traceId, 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1')
      })

      it('answers 500 with an empty body to a client context that is not base64', async () => {
        await target.start(CONTEXT_FIXTURE)
        const answer = await invoke({}, {'X-Amz-Client-Context': 'not base64!'})
        assert.equal(answer.status, 500)
        assert.equal(answer.body, '')
      })
    })

    describe('HTTP surface', () => {
      it("answers other paths with Go's 404 page not found", async () => {
        await target.start(BEHAVIOURS)
        const origin = new URL(target.invokeUrl()).origin
        for (const path of ['/', '/2015-03-31/functions/function/invocations/', '/2015-03-31/functions/other/invocations']) {
          const answer = await request(origin + path, {method: 'POST', body: '{}'})
          assert.equal(answer.status, 404, path)
          assert.equal(answer.body, '404 page not found\n')
          assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8')
        }
      })

      it('invokes with any method', async () => {
        await target.start(BEHAVIOURS)
        for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
          const answer = await invoke({echo: method}, {}, method)
          assert.equal(answer.status, 200, method)
          assert.equal(JSON.parse(answer.body).echo, method)
        }
      })

      it('answers 8 concurrent invokes, one after the other', async () => {
        await target.start(BEHAVIOURS)
        const answers = await Promise.all(Array.from({length: 8}, (_, i) => invoke({echo: i, sleep: 50})))
        assert.deepEqual(
          answers.map((a) => [a.status, JSON.parse(a.body).echo]),
          Array.from({length: 8}, (_, i) => [200, i]),
        )
        assert.deepEqual(answers.map((a) => JSON.parse(a.body).invokes).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8])
        const logs = await waitForLogs((l) => countOf(l, 'REPORT RequestId') === 8, '8 REPORT lines')
        const lifecycle = logs.split('\n').filter((line) => /^(START|END) RequestId/.test(line))
        assert.equal(lifecycle.length, 16)
        lifecycle.forEach((line, index) => assert.ok(line.startsWith(index % 2 === 0 ? 'START' : 'END'), `line ${index}: ${line}`))
      })

      it('stops on SIGTERM with exit code 0', async () => {
        await target.start(BEHAVIOURS)
        await invoke({})
        const result = await target.stop()
        assert.equal(result.exitCode, 0)
      })
    })

    describe('logs', () => {
      it('prints START, END and REPORT, with Init Duration only after the cold start', async () => {
        await target.start(BEHAVIOURS)
        await invoke({})
        await invoke({})
        const logs = await waitForLogs((l) => countOf(l, 'REPORT RequestId') === 2, 'two REPORT lines')
        const [first, second] = requestIds(logs)
        const lines = logs.split('\n')
        const at = (prefix: string) => lines.findIndex((line) => line.startsWith(prefix))
        assert.ok(at(`START RequestId: ${first}`) < at(`END RequestId: ${first}`))
        assert.ok(at(`END RequestId: ${first}`) < at(`REPORT RequestId: ${first}`))
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
        await target.start(
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
        const logs = await waitForLogs((l) => l.includes('first\rsecond'), 'the multi-line record')
        const [id] = requestIds(logs)
        const prefix = (level: string) => `^${ISO_TIME}\\t${id}\\t${level}\\t`
        assert.match(logs, new RegExp(`${prefix('INFO')}hello world \\{ a: 1 \\}$`, 'm'))
        assert.match(logs, new RegExp(`${prefix('INFO')}info line$`, 'm'))
        assert.match(logs, new RegExp(`${prefix('WARN')}warn line$`, 'm'))
        assert.match(logs, new RegExp(`${prefix('ERROR')}error line$`, 'm'))
        assert.match(logs, new RegExp(`${prefix('DEBUG')}debug line$`, 'm'))
        assert.match(logs, new RegExp(`${prefix('INFO')}first\\rsecond$`, 'm'), 'a multi-line message stays one record')
      })

      it('logs a handler error as Invoke Error with its JSON', async () => {
        await target.start(BEHAVIOURS)
        await invoke({throw: 'logged boom'})
        const logs = await waitForLogs((l) => l.includes('Invoke Error'), 'Invoke Error')
        const [id] = requestIds(logs)
        const line = logs.split('\n').find((l) => l.includes('\tInvoke Error \t')) ?? ''
        const match = new RegExp(`^${ISO_TIME}\\t${id}\\tERROR\\tInvoke Error \\t(\\{.*\\})$`).exec(line)
        assert.ok(match, `Invoke Error line: ${JSON.stringify(line)}`)
        const logged = JSON.parse(match[1])
        assert.equal(logged.errorType, 'TypeError')
        assert.equal(logged.errorMessage, 'logged boom')
        assert.equal(logged.stack[0], 'TypeError: logged boom')
      })

      it("passes the runtime's stdout and stderr through", async () => {
        await target.start(
          cjs("exports.handler = async () => { process.stdout.write('raw out\\n'); process.stderr.write('raw err\\n'); return 1 }\n"),
        )
        await invoke({})
        await waitForLogs((l) => l.includes('raw out\n') && l.includes('raw err\n'), 'raw output')
      })
    })
  })
}
