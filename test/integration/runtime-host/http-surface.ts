import {strict as assert} from 'node:assert'

import {type HttpAnswer, request} from './http-client.js'
import {BEHAVIOURS, MAX_PAYLOAD, type OutcomeSuite, countOf, startIds} from './suite-context.js'
import type {RuntimeTarget} from './target.js'

const INVOKE_PATH = '/2015-03-31/functions/function/invocations'

export function describeHttpSurface(suite: OutcomeSuite): void {
  const {invoke, waitForLogs} = suite

  describe('HTTP surface', () => {
    // These only read, so they share one function: one container start instead of five.
    describe('routing and request bodies', () => {
      let shared: RuntimeTarget
      const send = (body: string | Buffer, options: {method?: string; path?: string} = {}): Promise<HttpAnswer> =>
        request(shared.invokeUrl(), {...options, method: options.method ?? 'POST', body})

      before(async function () {
        this.timeout(120_000)
        shared = suite.createTarget()
        await shared.start(BEHAVIOURS)
      })

      after(async () => {
        await shared.stop()
      })

      it("answers other paths with Go's 404 page not found", async () => {
        for (const path of ['/', `${INVOKE_PATH}/`, '/2015-03-31/functions/other/invocations', '/2015-03-31/functions/function%2Finvocations']) {
          const answer = await send('{}', {path})
          assert.equal(answer.status, 404, path)
          assert.equal(answer.body, '404 page not found\n')
          assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8')
        }
      })

      it("redirects an unclean path with 301 to the cleaned one, as Go's ServeMux does, without invoking", async () => {
        const before = startIds(shared.logs()).length
        for (const [path, location] of [
          ['/2015-03-31//functions/function/invocations', INVOKE_PATH],
          ['/2015-03-31/functions/./function/invocations?a=b%20c', `${INVOKE_PATH}?a=b%20c`],
          ['/2015-03-31/x/../functions//function/invocations/', `${INVOKE_PATH}/`],
          // Go escapes the already escaped path once more.
          ['/2015-03-31//functions/function%20x/invocations', '/2015-03-31/functions/function%2520x/invocations'],
        ]) {
          const answer = await send('{}', {path})
          assert.equal(answer.status, 301, path)
          assert.equal(answer.headers.location, location, path)
          assert.equal(answer.headers['content-type'], undefined, path)
          assert.equal(answer.body, '', path)
        }
        const get = await send('', {method: 'GET', path: '/2015-03-31//functions/function/invocations'})
        assert.equal(get.status, 301)
        assert.equal(get.headers['content-type'], 'text/html; charset=utf-8')
        assert.equal(get.body, `<a href="${INVOKE_PATH}">Moved Permanently</a>.\n\n`)
        assert.equal(startIds(shared.logs()).length, before, 'nothing reached the function')
      })

      it('matches the invoke path with its escapes decoded, and answers 400 to a malformed escape', async () => {
        const decoded = await send('{"echo":"escaped"}', {path: '/2015-03-31/functions/function/invocation%73'})
        assert.equal(decoded.status, 200)
        assert.equal(JSON.parse(decoded.body).echo, 'escaped')
        const malformed = await send('{}', {path: `${INVOKE_PATH}%zz`})
        assert.equal(malformed.status, 400)
        assert.equal(malformed.body, '400 Bad Request')
        assert.equal(malformed.headers['content-type'], 'text/plain; charset=utf-8')
      })

      it('cuts a request body at 6291556 bytes before the runtime sees it', async () => {
        // A JSON string that ends exactly at the limit, then bytes that would make it invalid.
        const atLimit = `"${'x'.repeat(MAX_PAYLOAD - 2)}"`
        const answer = await send(Buffer.from(atLimit + 'TAIL, cut off'))
        assert.equal(answer.status, 200, answer.body.slice(0, 500))
        assert.deepEqual(JSON.parse(answer.body), {length: MAX_PAYLOAD - 2})
      })

      it('invokes with any method', async () => {
        for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
          const answer = await send(JSON.stringify({echo: method}), {method})
          assert.equal(answer.status, 200, method)
          assert.equal(JSON.parse(answer.body).echo, method)
        }
      })
    })

    it("answers 8 concurrent invokes, one after the other (AWS's emulator crashes on a second one)", async function () {
      // aws-lambda-runtime-interface-emulator#97: queueing instead is limg's deliberate difference.
      if (suite.emulator === 'aws') this.skip()
      await suite.target.start(BEHAVIOURS)
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
      await suite.target.start(BEHAVIOURS)
      await invoke({})
      const result = await suite.target.stop()
      assert.equal(result.exitCode, 0)
    })
  })
}
