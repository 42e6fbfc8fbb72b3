import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {type IncomingMessage, type ServerResponse, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {RegistryHttp} from '../../../src/registry/registry-http.js'

const CONFIG = Buffer.from('{"architecture":"arm64","os":"linux"}')
const DIGEST = `sha256:${createHash('sha256').update(CONFIG).digest('hex')}`

/**
 * A registry that, like public.ecr.aws and Docker Hub, answers 401 with a Bearer challenge and
 * hands out anonymous tokens for a scope from its realm; over plain HTTP on loopback.
 */
async function tokenRegistry(): Promise<{url: string; tokenRequests: string[]; close(): Promise<void>}> {
  const tokenRequests: string[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/token') {
      tokenRequests.push(url.search)
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify({token: `t-${url.searchParams.get('scope')}`}))
      return
    }
    const scope = `repository:${url.pathname.split('/').slice(2, -2).join('/')}:pull`
    if (req.headers.authorization !== `Bearer t-${scope}`) {
      const {port} = server.address() as AddressInfo
      res.writeHead(401, {'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="test",scope="${scope}"`})
      res.end()
      return
    }
    if (url.pathname.endsWith(`/blobs/${DIGEST}`)) {
      res.writeHead(200)
      res.end(CONFIG)
      return
    }
    res.writeHead(404)
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const {port} = server.address() as AddressInfo
  return {url: `http://127.0.0.1:${port}`, tokenRequests, close: () => new Promise((resolve) => server.close(() => resolve()))}
}

describe('RegistryHttp', () => {
  it('answers a Bearer challenge with an anonymous token for the scope, once, and checks blobs by digest', async () => {
    const registry = await tokenRegistry()
    try {
      const http = new RegistryHttp({proxyEndpoint: registry.url})
      assert.deepEqual(await http.blobJson('lambda/nodejs', DIGEST), {architecture: 'arm64', os: 'linux'})
      assert.equal(await http.blobExists('lambda/nodejs', DIGEST), true)
      assert.equal(await http.blobExists('lambda/nodejs', `sha256:${'0'.repeat(64)}`), false)
      assert.deepEqual(registry.tokenRequests, ['?service=test&scope=repository%3Alambda%2Fnodejs%3Apull'])
      await assert.rejects(http.blob('other/repo', `sha256:${'0'.repeat(64)}`), /answered 404/)
    } finally {
      await registry.close()
    }
  })
})
