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
