import {strict as assert} from 'node:assert'

import {ISO_TIME, type OutcomeSuite, cjs, countOf, runtimeOf} from './suite-context.js'

/** AWS's words, from aws-lambda-nodejs-runtime-interface-client (version 4, and main after v3.3.0). */
export const CALLBACKS_REMOVED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. ' +
  'You need to modify this function to use a supported handler signature to use Node.js 24 or later. ' +
  'For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.'
export const CALLBACK_WARNING =
  'AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. ' +
  'You will need to update this function to use an async handler to use Node.js 24 or later. ' +
  'For more information and to provide feedback on this change, see ' +
  'https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. ' +
  'To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.'

const CALLBACK_HANDLER = cjs("exports.handler = (event, context, callback) => callback(null, {style: 'callback'})\n")

export function describeHandlerStyles(suite: OutcomeSuite): void {
  const {invoke, waitForLogs} = suite
  const runtime = () => runtimeOf(suite.target.nodeMajor)

  describe('handler styles', () => {
    describe('callback handlers, up to Node.js 22', () => {
      beforeEach(function () {
        if (runtime().refusesCallbacks) this.skip()
      })

      it('waits for the empty event loop before sending a callback result', async () => {
        await suite.target.start(
          cjs(`
exports.handler = (event, context, callback) => {
  setTimeout(() => console.log('timer fired'), 200)
  callback(null, {style: 'callback', waits: context.callbackWaitsForEmptyEventLoop})
}
`),
        )
        const started = Date.now()
        const answer = await invoke({})
        const elapsed = Date.now() - started
        assert.deepEqual(JSON.parse(answer.body), {style: 'callback', waits: true})
        assert.ok(elapsed >= 200, `answered after ${elapsed} ms, before the 200 ms timer`)
        await waitForLogs((l) => /\tINFO\ttimer fired\n/.test(l), 'the timer')
      })

      it('sends a callback result at once when callbackWaitsForEmptyEventLoop is false', async () => {
        await suite.target.start(
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
        assert.doesNotMatch(suite.target.logs(), /late timer fired/)
      })

      it('reports a callback error', async () => {
        await suite.target.start(cjs("exports.handler = (e, c, callback) => callback(new Error('nope'))\n"))
        const body = JSON.parse((await invoke({})).body)
        assert.equal(body.errorType, 'Error')
        assert.equal(body.errorMessage, 'nope')
      })

      it('answers null for a synchronous handler, whatever it returns', async () => {
        await suite.target.start(cjs("exports.handler = (event, context) => 'ignored'\n"))
        assert.equal((await invoke({})).body, 'null')
      })

      it('reports an async handler whose promise never settles as Runtime.NodeJsExit', async () => {
        await suite.target.start(cjs('exports.handler = async () => new Promise(() => {})\n'))
        const answer = await invoke({})
        assert.equal(answer.status, 200)
        const body = JSON.parse(answer.body)
        assert.equal(body.errorType, 'Runtime.NodeJsExit')
        assert.equal(body.errorMessage, 'Error: Runtime exited without providing a reason')
      })

      it('warns once at init about a callback handler from Node.js 18 (AWS left 16 and older as they were)', async () => {
        await suite.target.start(CALLBACK_HANDLER)
        assert.deepEqual(JSON.parse((await invoke({})).body), {style: 'callback'})
        await invoke({})
        const logs = await waitForLogs((l) => countOf(l, 'REPORT RequestId') === 2, 'two REPORT lines')
        const warning = new RegExp(`^${ISO_TIME}\\tundefined\\tWARN\\t${CALLBACK_WARNING.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm')
        if (runtime().warnsOfCallbacks) {
          assert.match(logs, warning)
          assert.equal(countOf(logs, CALLBACK_WARNING), 1)
        } else {
          assert.equal(countOf(logs, CALLBACK_WARNING), 0)
        }
      })

      it('does not warn with AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING, nor for async or four-parameter handlers', async () => {
        for (const [fixture, env] of [
          [CALLBACK_HANDLER, {AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING: ''}],
          [cjs('exports.handler = async (event, context, callback) => ({style: "async"})\n'), {}],
          [cjs('exports.handler = (event, context, callback, extra) => callback(null, {style: "four"})\n'), {}],
        ] as const) {
          await suite.target.start(fixture, env)
          const answer = await invoke({})
          assert.equal(answer.status, 200, answer.body)
          const logs = await waitForLogs((l) => /^REPORT /m.test(l), 'REPORT')
          assert.equal(countOf(logs, CALLBACK_WARNING), 0, JSON.stringify(env))
          await suite.target.stop()
        }
      })
    })

    describe('from Node.js 24, no callbacks', () => {
      beforeEach(function () {
        if (!runtime().refusesCallbacks) this.skip()
      })

      for (const [what, source] of [
        ['a callback handler', '(event, context, callback) => callback(null, 1)'],
        ['an async handler declaring a callback', 'async (event, context, callback) => 1'],
        ['a handler with four parameters', '(event, context, callback, extra) => 1'],
      ]) {
        it(`refuses ${what} at init, on every invoke`, async () => {
          await suite.target.start(cjs(`exports.handler = ${source}\n`))
          for (let attempt = 1; attempt <= 2; attempt++) {
            const answer = await invoke({})
            assert.equal(answer.status, 502)
            const body = JSON.parse(answer.body)
            assert.deepEqual(Object.keys(body), ['errorType', 'errorMessage', 'trace'])
            assert.equal(body.errorType, 'Runtime.CallbackHandlerDeprecated')
            assert.equal(body.errorMessage, CALLBACKS_REMOVED)
            assert.equal(body.trace[0], `Runtime.CallbackHandlerDeprecated: ${CALLBACKS_REMOVED}`)
          }
          const logs = await waitForLogs((l) => countOf(l, '\tERROR\tInit Error \t') === 2, 'two Init Error lines')
          const line = logs.split('\n').find((l) => l.includes('\tInit Error \t')) ?? ''
          const match = new RegExp(`^${ISO_TIME}\\t-\\tERROR\\tInit Error \\t(\\{.*\\})$`).exec(line)
          assert.ok(match, line)
          const logged = JSON.parse(match[1])
          assert.equal(logged.errorType, 'Runtime.CallbackHandlerDeprecated')
          assert.equal(logged.name, 'Runtime.CallbackHandlerDeprecated', 'version 4 names its errors on the instance')
        })
      }

      it('gives the handler (event, context) only, with no succeed, fail, done or callbackWaitsForEmptyEventLoop', async () => {
        await suite.target.start(
          cjs(`
exports.handler = async function (event, context) {
  return {
    args: arguments.length,
    members: ['succeed', 'fail', 'done', 'callbackWaitsForEmptyEventLoop'].filter((name) => name in context),
    remaining: typeof context.getRemainingTimeInMillis,
  }
}
`),
        )
        assert.deepEqual(JSON.parse((await invoke({})).body), {args: 2, members: [], remaining: 'function'})
      })

      it('answers what a synchronous handler returns', async () => {
        await suite.target.start(cjs("exports.handler = (event, context) => ({sync: true, echo: event.echo})\n"))
        assert.deepEqual(JSON.parse((await invoke({echo: 1})).body), {sync: true, echo: 1})
      })

      it('lets the runtime exit when the handler\'s promise never settles', async () => {
        await suite.target.start(cjs('exports.handler = async () => new Promise(() => {})\n'))
        const answer = await invoke({})
        assert.equal(answer.status, 502)
        assert.match(answer.body, /^\{"errorType":"Runtime.ExitError","errorMessage":"RequestId: [0-9a-f-]+ Error: Runtime exited without providing a reason"\}$/)
      })
    })

    it('reports an error thrown by a synchronous handler', async () => {
      await suite.target.start(cjs("exports.handler = (event, context) => { throw new RangeError('sync boom') }\n"))
      const body = JSON.parse((await invoke({})).body)
      assert.equal(body.errorType, 'RangeError')
      assert.equal(body.errorMessage, 'sync boom')
    })

    it('resolves nested paths and dotted exports', async () => {
      await suite.target.start({
        handler: 'src/app.handlers.main',
        files: {'src/app.js': "exports.handlers = {main: async () => 'nested'}\n"},
      })
      assert.equal((await invoke({})).body, '"nested"')
    })
  })
}
