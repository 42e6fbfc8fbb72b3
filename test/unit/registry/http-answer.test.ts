import {strict as assert} from 'node:assert'
import {type IncomingMessage, type Server, type ServerResponse, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {httpAnswer} from '../../../src/registry/http-answer.js'

interface Seen {
  method: string
  url: string
  authorization: string | undefined
  body: string
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{server: Server; origin: string; seen: Seen[]}> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      seen.push({method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body})
      handle(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen}
}

describe('httpAnswer (the registry\'s HTTP, over node:http)', () => {
  const servers: Server[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      const closing = new Promise((resolve) => server.close(resolve))
      server.closeAllConnections()
      await closing
    }
  })

  it('follows a redirect to another origin without the Authorization header, as fetch does', async () => {
    const blobs = await listen((_req, res) => res.end('the blob'))
    const registry = await listen((_req, res) => res.writeHead(307, {location: `${blobs.origin}/bucket/blob?sig=1`}).end())
    servers.push(blobs.server, registry.server)
    const answer = await httpAnswer(new URL(`${registry.origin}/v2/fn/blobs/sha256:1`), {method: 'GET', headers: {authorization: 'Basic c2VjcmV0'}})
    assert.equal(answer.status, 200)
    assert.equal(await answer.text(), 'the blob')
    assert.equal(answer.url.origin, blobs.origin)
    assert.equal(registry.seen[0]?.authorization, 'Basic c2VjcmV0')
    assert.deepEqual(blobs.seen.map((s) => [s.url, s.authorization]), [['/bucket/blob?sig=1', undefined]])
  })

  it('keeps Authorization on the same origin, and turns a 303 after a PUT into a GET without the body', async () => {
    const registry = await listen((req, res) => (req.method === 'PUT' ? res.writeHead(303, {location: '/done'}).end() : res.writeHead(201, {'docker-content-digest': 'sha256:2'}).end()))
    servers.push(registry.server)
    const answer = await httpAnswer(new URL(`${registry.origin}/v2/fn/manifests/latest`), {method: 'PUT', headers: {authorization: 'Bearer t', 'content-type': 'application/json'}, body: Buffer.from('{}')})
    assert.equal(answer.status, 201)
    assert.equal(answer.header('Docker-Content-Digest'), 'sha256:2')
    assert.deepEqual(registry.seen.map((s) => [s.method, s.url, s.authorization, s.body]), [['PUT', '/v2/fn/manifests/latest', 'Bearer t', '{}'], ['GET', '/done', 'Bearer t', '']])
  })

  it('answers a HEAD and frees its connection, and reports a refused connection with its code', async () => {
    const registry = await listen((_req, res) => res.writeHead(404).end())
    servers.push(registry.server)
    const answer = await httpAnswer(new URL(`${registry.origin}/v2/fn/blobs/sha256:3`), {method: 'HEAD', headers: {}})
    assert.equal(answer.ok, false)
    assert.equal(answer.status, 404)
    const closed = registry.origin
    servers.splice(0)
    const closing = new Promise((resolve) => registry.server.close(resolve))
    registry.server.closeAllConnections()
    await closing
    await assert.rejects(httpAnswer(new URL(`${closed}/v2/`), {method: 'GET', headers: {}}), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED')
  })
})
