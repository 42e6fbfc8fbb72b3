import {strict as assert} from 'node:assert'

import {postInvocation} from '../../../src/invoke/http.js'
import type {RawReply} from '../../../src/invoke/outcome.js'
import {type OutcomeSuite, cjs} from './suite-context.js'

// Writes, waits, then writes the time of its last write: a client that holds the first chunk
// before that time got it while the handler still ran.
const STREAMING = cjs(`
let invokes = 0
exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  invokes++
  let stream = responseStream
  if (event.http) stream = awslambda.HttpResponseStream.from(responseStream, {statusCode: 201, headers: {'content-type': 'text/plain'}, cookies: ['a=1']})
  stream.write('first;')
  await new Promise((resolve) => setTimeout(resolve, event.pause || 400))
  if (event.fail) throw new Error('mid-stream boom')
  if (event.hang) await new Promise(() => setInterval(() => {}, 1000))
  stream.write('last@' + Date.now() + ';invokes=' + invokes)
  stream.end()
})
`)

interface Streamed {
  reply: Extract<RawReply, {body: string}>
  /** When the first chunk reached the client (ms since the epoch). */
  firstChunkAt: number
  /** When the handler made its last write, from the body. */
  lastWrittenAt: number
}

async function invokeStreaming(suite: OutcomeSuite, event: Record<string, unknown>): Promise<Streamed> {
  const {hostname, port} = new URL(suite.target.invokeUrl())
  let firstChunkAt = 0
  const noteChunk = (): void => {
    if (firstChunkAt === 0) firstChunkAt = Date.now()
  }
  const reply = await postInvocation({host: hostname, port: Number(port)}, Buffer.from(JSON.stringify(event)), undefined, {onStart: () => {}, onChunk: noteChunk})
  assert.ok('body' in reply, JSON.stringify(reply))
  // AWS's emulator answers whole, not through the sink: its first byte came with the rest.
  if (firstChunkAt === 0) firstChunkAt = Date.now()
  return {reply, firstChunkAt, lastWrittenAt: Number(/last@(\d+)/.exec(reply.body)?.[1] ?? 0)}
}

export function describeStreaming(suite: OutcomeSuite): void {
  describe('response streaming', () => {
    it('passes each write on as it is made (AWS\'s emulator buffers the whole response)', async () => {
      await suite.target.start(STREAMING)
      const {reply, firstChunkAt, lastWrittenAt} = await invokeStreaming(suite, {})
      assert.match(reply.body, /^first;last@\d+;invokes=1$/)
      if (suite.emulator === 'aws') {
        assert.equal(reply.streamed, undefined)
        assert.ok(firstChunkAt >= lastWrittenAt, 'buffered: nothing before the last write')
        return
      }
      assert.deepEqual(reply.streamed, {contentType: 'application/octet-stream'})
      assert.ok(firstChunkAt < lastWrittenAt, `the first chunk arrived at ${firstChunkAt}, the last was written at ${lastWrittenAt}`)
    })

    it('puts HttpResponseStream\'s JSON prelude and eight NUL bytes before the body', async () => {
      await suite.target.start(STREAMING)
      const {reply} = await invokeStreaming(suite, {http: true, pause: 1})
      const prelude = '{"statusCode":201,"headers":{"content-type":"text/plain"},"cookies":["a=1"]}'
      assert.equal(reply.body.slice(0, prelude.length + 8), `${prelude}${'\0'.repeat(8)}`)
      assert.match(reply.body.slice(prelude.length + 8), /^first;last@/)
      if (suite.emulator === 'limg') assert.equal(reply.streamed?.contentType, 'application/vnd.awslambda.http-integration-response')
    })

    it('ends the stream with the error in its trailers when the handler throws mid-stream, and stays warm', async () => {
      await suite.target.start(STREAMING)
      const failed = await invokeStreaming(suite, {fail: true, pause: 1})
      assert.equal(failed.reply.body, 'first;')
      if (suite.emulator === 'limg') {
        assert.equal(failed.reply.streamed?.error?.errorType, 'Error')
        assert.equal(failed.reply.streamed?.error?.errorMessage, 'mid-stream boom')
        assert.match(String((failed.reply.streamed?.error?.trace as string[])[0]), /^Error: mid-stream boom/)
      } else {
        // AWS's emulator drops the trailers: the caller cannot tell.
        assert.equal(failed.reply.streamed, undefined)
      }
      await suite.waitForLogs((l) => /ERROR\tInvoke Error \t\{"errorType":"Error","errorMessage":"mid-stream boom"/.test(l), 'Invoke Error')
      const next = await invokeStreaming(suite, {pause: 1})
      assert.match(next.reply.body, /invokes=2$/, 'the same runtime served the next invoke')
    })

    it('fails a streaming handler that is not async, as AWS\'s runtime does', async () => {
      await suite.target.start(cjs("exports.handler = awslambda.streamifyResponse((event, stream) => { stream.write('sync') })\n"))
      const {reply} = await invokeStreaming(suite, {})
      if (suite.emulator === 'limg') assert.equal(reply.streamed?.error?.errorMessage, 'Streaming does not support non-async handlers.')
      await suite.waitForLogs((l) => l.includes('Streaming does not support non-async handlers.'), 'the error logged')
    })

    it('ends a stream cut by the timeout with Sandbox.Timedout in its trailers', async () => {
      await suite.target.start(STREAMING, {AWS_LAMBDA_FUNCTION_TIMEOUT: '1'})
      const {reply} = await invokeStreaming(suite, {hang: true, pause: 1})
      if (suite.emulator === 'aws') {
        assert.equal(reply.body, 'Task timed out after 1.00 seconds')
        return
      }
      assert.equal(reply.body, 'first;')
      assert.deepEqual(reply.streamed?.error, {errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds'})
    })
  })
}
