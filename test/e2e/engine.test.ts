import {strict as assert} from 'node:assert'
import {mkdtemp, rm} from 'node:fs/promises'
import {type Server as HttpServer, createServer as createHttpServer} from 'node:http'
import {type AddressInfo, type Server, type Socket, createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {TEST_ENV, makeProject, sweep} from '../integration/run/support/fixture.js'
import {BIN, limg} from '../support/cli.js'

const ENV = {...TEST_ENV, CI: '1', NO_COLOR: '1'}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '')
}

async function waitUntil(what: string, ready: () => boolean, ms: number, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + ms
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${describe()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('the engine connection (e2e)', function () {
  this.timeout(600_000)
  let cwd: string

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'limg-e2e-engine-'))
  })
  after(async () => {
    await rm(cwd, {recursive: true, force: true})
    await sweep()
  })

  describe('an address that accepts connections and never answers', () => {
    let server: Server
    let port: number
    let connections = 0
    const sockets = new Set<Socket>()

    before(async () => {
      server = createServer((socket) => {
        connections += 1
        sockets.add(socket)
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as AddressInfo).port
    })
    after(async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    })

    it('fails every command after LIMG_ENGINE_TIMEOUT, naming the address (exit 3)', async () => {
      for (const command of [['stop'], ['logs'], ['invoke', '--port', '9', '--event', '-']]) {
        const started = Date.now()
        const run = await limg([...command, '--json'], cwd, {env: {...ENV, DOCKER_HOST: `tcp://127.0.0.1:${port}`, LIMG_ENGINE_TIMEOUT: '1'}, input: '{}'})
        assert.equal(run.exitCode, 3, `${command[0]}: ${run.stdout}`)
        const error = run.json.error as {code: string; message: string; suggestion: string}
        assert.equal(error.code, 'ENGINE_UNAVAILABLE')
        assert.equal(error.message, `The Docker engine at tcp://127.0.0.1:${port} did not answer within 1 s.`)
        assert.match(error.suggestion, /LIMG_ENGINE_TIMEOUT/)
        assert.ok(Date.now() - started >= 1000)
      }
    })

    it('stops waiting on the first Ctrl-C (exit 130)', async () => {
      const before = connections
      const child = execa(BIN, ['stop'], {cwd, reject: false, env: {...ENV, DOCKER_HOST: `tcp://127.0.0.1:${port}`}})
      let stderr = ''
      child.stderr?.on('data', (c: Buffer) => (stderr += c))
      try {
        await waitUntil('limg to connect', () => connections > before, 20_000, () => stderr)
        child.kill('SIGINT')
        const result = await child
        assert.equal(result.exitCode, 130, stderr)
        assert.deepEqual(lines(stderr), ['Error: Interrupted (SIGINT); stopped and cleaned up.'])
      } finally {
        child.kill('SIGKILL')
      }
    })
  })

  it('says a web server at DOCKER_HOST is not a Docker engine, in one line (exit 3)', async () => {
    const server: HttpServer = createHttpServer((_req, res) => res.writeHead(404, {'content-type': 'text/html'}).end('<html>\n<head><title>404 Not Found</title></head>\n<body><h1>Not Found</h1></body>\n</html>\n'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    try {
      const run = await limg(['stop'], cwd, {env: {...ENV, DOCKER_HOST: `tcp://127.0.0.1:${port}`}})
      assert.equal(run.exitCode, 3, run.stderr)
      assert.equal(lines(run.stderr).length, 1, run.stderr)
      assert.match(run.stderr, new RegExp(`^Error: tcp://127\\.0\\.0\\.1:${port} answered, but is not a Docker engine \\(HTTP 404 Not Found\\)\\. `))
      assert.doesNotMatch(run.stderr, /<html>|<h1>/)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('takes a DOCKER_HOST it cannot use, or a bad LIMG_ENGINE_TIMEOUT, as bad input (exit 2)', async () => {
    const scheme = await limg(['stop', '--json'], cwd, {env: {...ENV, DOCKER_HOST: 'ftp://x'}})
    assert.equal(scheme.exitCode, 2, scheme.stdout)
    assert.equal((scheme.json.error as {message: string}).message, 'DOCKER_HOST="ftp://x" uses an unsupported scheme "ftp:".')
    const timeout = await limg(['stop', '--json'], cwd, {env: {...ENV, LIMG_ENGINE_TIMEOUT: 'soon'}})
    assert.equal(timeout.exitCode, 2, timeout.stdout)
    assert.match((timeout.json.error as {message: string}).message, /^LIMG_ENGINE_TIMEOUT="soon" is not a number of seconds\.$/)
  })

  it('does not cut what takes longer than the bound: a silent build step, an invocation, a followed log', async () => {
    // Each of these lasts well over the bound, which still limits every plain API call around them.
    const env = {...ENV, LIMG_ENGINE_TIMEOUT: '4'}
    const project = await makeProject({config: {timeout: 60}, dockerfileTail: 'RUN node -e "setTimeout(() => {}, 10000)"\nCMD ["index.handler"]'})
    const build = await limg(['build', '--json'], project.dir, {env})
    assert.equal(build.exitCode, 0, build.stdout)
    const run = await limg(['run', '--detach', '--no-build', '--json'], project.dir, {env})
    assert.equal(run.exitCode, 0, run.stdout)
    const follower = execa(BIN, ['logs', '--follow'], {cwd: project.dir, reject: false, env})
    let followed = ''
    follower.stdout?.on('data', (c: Buffer) => (followed += c))
    try {
      const invoke = await limg(['invoke', '--event', '-', '--json'], project.dir, {env, input: '{"action":"sleep","ms":10000}'})
      assert.equal(invoke.exitCode, 0, invoke.stdout)
      assert.equal(invoke.json.outcome, 'success')
      const requestId = String(invoke.json.requestId)
      // The follower, started before the invocation, is still there for its last line.
      await waitUntil('the followed log to show the invocation end', () => followed.includes(`REPORT RequestId: ${requestId}`), 60_000, () => followed)
      follower.kill('SIGINT')
      assert.equal((await follower).exitCode, 130)
    } finally {
      follower.kill('SIGKILL')
      await limg(['stop'], project.dir, {env})
    }
  })
})
