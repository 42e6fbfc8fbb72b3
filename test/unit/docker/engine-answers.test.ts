import {strict as assert} from 'node:assert'
import {type Server as HttpServer, createServer as createHttpServer} from 'node:http'
import {type AddressInfo, type Server, type Socket, createServer} from 'node:net'
import {Readable} from 'node:stream'
import {DEFAULT_ENGINE_TIMEOUT_SECONDS, connectionFromEnv, engineTimeoutMs} from '../../../src/docker/connection.js'
import {connectDocker, openDocker} from '../../../src/docker/client.js'
import {EngineUnavailableError, InterruptedError, InvalidInputError} from '../../../src/errors/index.js'

/** Accepts connections and never says a word: a port forward to nothing, a stuck proxy. */
async function silentServer(): Promise<{port: number; connected: Promise<void>; close: () => Promise<void>}> {
  const sockets = new Set<Socket>()
  let connected!: () => void
  const first = new Promise<void>((resolve) => (connected = resolve))
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    connected()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    connected: first,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

async function httpServer(handler: Parameters<typeof createHttpServer>[1]): Promise<{port: number; server: HttpServer}> {
  const server = createHttpServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {port: (server.address() as AddressInfo).port, server}
}

async function closeHttp(server: HttpServer): Promise<void> {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
}

describe('engine connection bounds and answers', () => {
  it('reads LIMG_ENGINE_TIMEOUT in seconds, 30 s by default, 0 for none; refuses anything else as input', () => {
    assert.equal(engineTimeoutMs({}), DEFAULT_ENGINE_TIMEOUT_SECONDS * 1000)
    assert.equal(engineTimeoutMs({LIMG_ENGINE_TIMEOUT: '2.5'}), 2500)
    assert.equal(engineTimeoutMs({LIMG_ENGINE_TIMEOUT: '0'}), undefined)
    for (const bad of ['abc', '-1', '10s']) assert.throws(() => engineTimeoutMs({LIMG_ENGINE_TIMEOUT: bad}), InvalidInputError, bad)
    assert.equal(connectionFromEnv({LIMG_ENGINE_TIMEOUT: '7'}).timeoutMs, 7000)
  })

  it('takes a DOCKER_HOST it cannot use as bad input (exit 2), not as an engine that is down', () => {
    for (const host of ['ftp://x', 'npipe:////./pipe/docker', 'tcp://[bad']) {
      assert.throws(() => connectionFromEnv({DOCKER_HOST: host}), (error: unknown) => error instanceof InvalidInputError && error.exitCode === 2, host)
    }
  })

  it('gives up on an address that accepts connections and never answers, naming it (exit 3)', async () => {
    const silent = await silentServer()
    try {
      const started = Date.now()
      await assert.rejects(openDocker({DOCKER_HOST: `tcp://127.0.0.1:${silent.port}`, LIMG_ENGINE_TIMEOUT: '0.3'}), (error: unknown) => {
        assert.ok(error instanceof EngineUnavailableError, String(error))
        assert.equal(error.exitCode, 3)
        assert.equal(error.message, `The Docker engine at tcp://127.0.0.1:${silent.port} did not answer within 0.3 s.`)
        assert.match(error.suggestion ?? '', /LIMG_ENGINE_TIMEOUT/)
        return true
      })
      assert.ok(Date.now() - started >= 300)
    } finally {
      await silent.close()
    }
  })

  it('stops waiting for a silent engine when interrupted', async () => {
    const silent = await silentServer()
    try {
      const controller = new AbortController()
      const engine = openDocker({DOCKER_HOST: `tcp://127.0.0.1:${silent.port}`, LIMG_ENGINE_TIMEOUT: '0'}, controller.signal)
      await silent.connected
      controller.abort(new InterruptedError('SIGINT'))
      await assert.rejects(engine, InterruptedError)
    } finally {
      await silent.close()
    }
  })

  it('says a web server is not a Docker engine, without its page', async () => {
    const {port, server} = await httpServer((_req, res) => res.writeHead(404, {'content-type': 'text/html'}).end('<html>\n<h1>Not Found</h1>\n</html>'))
    try {
      await assert.rejects(openDocker({DOCKER_HOST: `tcp://127.0.0.1:${port}`}), (error: unknown) => {
        assert.ok(error instanceof EngineUnavailableError, String(error))
        assert.equal(error.message, `tcp://127.0.0.1:${port} answered, but is not a Docker engine (HTTP 404 Not Found).`)
        return true
      })
    } finally {
      await closeHttp(server)
    }
  })

  it('says so too for a server that answers 200 to anything', async () => {
    const {port, server} = await httpServer((_req, res) => res.end('<!doctype html><title>app</title>'))
    try {
      await assert.rejects(openDocker({DOCKER_HOST: `tcp://127.0.0.1:${port}`}), /answered, but is not a Docker engine \(HTTP 200 OK, but not the engine's "OK" to a ping\)/)
    } finally {
      await closeHttp(server)
    }
  })

  it('bounds plain API calls but never a stream: a build step quieter than the bound still finishes', async () => {
    const {port, server} = await httpServer((req, res) => {
      if (req.url?.endsWith('/_ping')) return void res.end('OK')
      if (req.url?.includes('/build')) {
        req.resume()
        res.writeHead(200, {'content-type': 'application/json'})
        res.write(`${JSON.stringify({stream: 'Step 1/1 : RUN sleep\n'})}\n`)
        // Silent for three times the bound, then done.
        setTimeout(() => res.end(`${JSON.stringify({aux: {ID: 'sha256:abc'}})}\n`), 900)
        return
      }
      // An inspect that never answers.
    })
    try {
      const engine = await connectDocker(connectionFromEnv({DOCKER_HOST: `tcp://127.0.0.1:${port}`, LIMG_ENGINE_TIMEOUT: '0.3'}))
      await engine.ping()
      const built = await engine.images.build(Readable.from([Buffer.alloc(1024)]), {tags: ['x:y'], platform: 'linux/amd64'})
      assert.equal(built.imageId, 'sha256:abc')
      await assert.rejects(engine.images.inspect('x:y'), /did not answer within 0\.3 s/)
    } finally {
      await closeHttp(server)
    }
  })
})
