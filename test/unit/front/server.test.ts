import {strict as assert} from 'node:assert'
import {LocalRunError} from '../../../src/errors/index.js'
import {openFrontDoor} from '../../../src/front/server.js'

describe('front door server', () => {
  it('passes the mapped event to the invoker and answers its result', async () => {
    const events: unknown[] = []
    const door = await openFrontDoor({format: '2.0', port: 0, invoke: async (event) => (events.push(JSON.parse(event.toString())), {statusCode: 200, body: JSON.stringify({statusCode: 418, headers: {'x-a': '1'}, body: 'teapot'})})})
    try {
      const got = await fetch(`${door.url}/brew?x=1`, {method: 'PUT', headers: {'content-type': 'text/plain'}, body: 'tea'})
      assert.equal(got.status, 418)
      assert.equal(got.headers.get('x-a'), '1')
      assert.equal(await got.text(), 'teapot')
      assert.equal((events[0] as {body: string}).body, 'tea')
      assert.equal((events[0] as {rawPath: string}).rawPath, '/brew')
    } finally {
      await door.close()
    }
  })

  it('answers 502 when the invoker fails, and 413 for an event over Lambda\'s limit without invoking', async () => {
    let calls = 0
    const door = await openFrontDoor({format: '2.0', port: 0, invoke: async () => (calls++, {error: 'ECONNRESET'})})
    try {
      assert.equal((await fetch(door.url)).status, 502)
      const big = await fetch(door.url, {method: 'POST', headers: {'content-type': 'text/plain'}, body: 'x'.repeat(6 * 1024 * 1024 + 1)})
      assert.equal(big.status, 413)
      assert.equal(calls, 1)
    } finally {
      await door.close()
    }
  })

  it('refuses a port in use with a one-line error naming it and --http', async () => {
    const first = await openFrontDoor({format: '1.0', port: 0, invoke: async () => ({error: 'x'})})
    try {
      await assert.rejects(openFrontDoor({format: '1.0', port: first.port, invoke: async () => ({error: 'x'})}), (error: unknown) => error instanceof LocalRunError && error.exitCode === 6 && error.message.includes(String(first.port)) && /--http/.test(error.suggestion ?? ''))
    } finally {
      await first.close()
    }
  })
})

describe('front door server, streamed responses', () => {
  const prelude = (value: unknown) => Buffer.concat([Buffer.from(JSON.stringify(value)), Buffer.alloc(8)])

  it('takes the status, headers and cookies from the prelude, split across chunks, and streams the rest', async () => {
    const door = await openFrontDoor({
      format: '2.0',
      port: 0,
      invoke: async (_event, sink) => {
        sink?.onStart('application/vnd.awslambda.http-integration-response')
        const head = prelude({statusCode: 201, headers: {'Content-Type': 'text/plain', 'X-A': '1'}, cookies: ['a=1', 'b=2']})
        sink?.onChunk(head.subarray(0, 10))
        sink?.onChunk(Buffer.concat([head.subarray(10), Buffer.from('hello ')]))
        sink?.onChunk(Buffer.from('world'))
        return {statusCode: 200, body: '', streamed: {contentType: 'application/vnd.awslambda.http-integration-response'}}
      },
    })
    try {
      const got = await fetch(door.url)
      assert.equal(got.status, 201)
      assert.equal(got.headers.get('x-a'), '1')
      assert.equal(got.headers.get('content-type'), 'text/plain')
      assert.deepEqual(got.headers.getSetCookie(), ['a=1', 'b=2'])
      assert.equal(await got.text(), 'hello world')
    } finally {
      await door.close()
    }
  })

  it('streams without a prelude as a 200 of the stream\'s type; an error before anything was sent is a 502, after it the connection is cut', async () => {
    const error = {errorType: 'Error', errorMessage: 'boom'}
    let mode = 'plain'
    const door = await openFrontDoor({
      format: '2.0',
      port: 0,
      invoke: async (_event, sink) => {
        sink?.onStart(mode === 'early' ? 'application/vnd.awslambda.http-integration-response' : 'application/octet-stream')
        if (mode !== 'early') sink?.onChunk(Buffer.from('partial'))
        return {statusCode: 200, body: 'partial', streamed: {contentType: 'application/octet-stream', ...(mode === 'plain' ? {} : {error})}}
      },
    })
    try {
      const plain = await fetch(door.url)
      assert.equal(plain.status, 200)
      assert.equal(plain.headers.get('content-type'), 'application/octet-stream')
      assert.equal(await plain.text(), 'partial')
      mode = 'late'
      const late = await fetch(door.url)
      assert.equal(late.status, 200)
      await assert.rejects(late.text())
      mode = 'early'
      // An HTTP response stream that fails before its prelude: nothing went out yet.
      const early = await fetch(door.url)
      assert.equal(early.status, 502)
      assert.deepEqual(await early.json(), {message: 'Internal Server Error'})
    } finally {
      await door.close()
    }
  })

  it('maps a streamed response that AWS\'s emulator buffered, prelude and all', async () => {
    const door = await openFrontDoor({format: '2.0', port: 0, invoke: async () => ({statusCode: 200, body: `${prelude({statusCode: 202, headers: {'x-b': '2'}}).toString('utf8')}done`})})
    try {
      const got = await fetch(door.url)
      assert.equal(got.status, 202)
      assert.equal(got.headers.get('x-b'), '2')
      assert.equal(await got.text(), 'done')
    } finally {
      await door.close()
    }
  })
})
