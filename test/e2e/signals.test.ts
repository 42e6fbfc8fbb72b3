import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {type Server, createServer} from 'node:http'
import {type AddressInfo, type Server as NetServer, type Socket, createServer as createNetServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type ResultPromise, execa} from 'execa'
import {LABEL, projectId} from '../../src/run/labels.js'
import {TEST_ENV, makeProject, sweep, testEngine} from '../integration/run/support/fixture.js'
import {BIN, limg} from '../support/cli.js'
import {rawDocker} from '../support/raw-docker.js'

const ENV = {...TEST_ENV, CI: '1', NO_COLOR: '1'}
const EXIT = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143} as const

/** The binary as a user starts it, with its output gathered as it comes. */
function spawn(args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV, input?: string) {
  const child = execa(BIN, args, {cwd, reject: false, env, ...(input === undefined ? {stdin: 'ignore' as const} : {input})})
  const output = {stdout: '', stderr: ''}
  child.stdout?.on('data', (c: Buffer) => (output.stdout += c))
  child.stderr?.on('data', (c: Buffer) => (output.stderr += c))
  return {child, output}
}

/** Waits until `ready()` holds, checking every `everyMs`; the deadline is only a guard against hanging. */
async function waitUntil(what: string, ready: () => boolean | Promise<boolean>, ms: number, describe: () => string = () => '', everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${describe()}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Whether SIGINT is still waiting to be delivered to the process (standard signals sent twice before delivery merge into one). */
function interruptPending(pid: number): boolean {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)].some((m) => (BigInt(`0x${m[1]}`) & 2n) === 2n)
}

/** Whether the process has a handler for SIGHUP: Node registers none of its own, limg does first thing. */
function catchesHangup(pid: number): boolean {
  try {
    const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return caught !== undefined && (BigInt(`0x${caught}`) & 1n) === 1n
  } catch {
    return false
  }
}

async function projectContainers(dir: string) {
  return (await testEngine()).containers.list({[LABEL.project]: projectId(dir)})
}

async function containerLog(id: string): Promise<string> {
  const log = await rawDocker().getContainer(id).logs({stdout: true, stderr: true, follow: false})
  return log.toString('utf8')
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '')
}

async function killed(child: ResultPromise): Promise<void> {
  child.kill('SIGKILL')
  await child.catch(() => undefined)
}

describe('signals (e2e)', function () {
  this.timeout(240_000)
  after(sweep)

  describe('while limg starts', () => {
    // `limg stop` against an address that never answers: whether the signal lands while oclif
    // loads or once the command waits for the engine, the process is still there to answer it.
    let silent: NetServer
    let port: number
    const sockets = new Set<Socket>()
    before(async () => {
      silent = createNetServer((socket) => sockets.add(socket))
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
      port = (silent.address() as AddressInfo).port
    })
    after(async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    })

    for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) {
      it(`${signal}: one line, exit ${EXIT[signal]}`, async () => {
        const cwd = await mkdtemp(join(tmpdir(), 'limg-e2e-start-'))
        const {child, output} = spawn(['stop'], cwd, {...ENV, DOCKER_HOST: `tcp://127.0.0.1:${port}`, LIMG_ENGINE_TIMEOUT: '0'})
        try {
          // The moment limg has its handlers, oclif is still loading (signalled within a few ms).
          await waitUntil('limg to handle signals', () => catchesHangup(child.pid!), 20_000, () => output.stderr, 2)
          child.kill(signal)
          const result = await child
          assert.equal(result.signal, undefined, `killed by ${result.signal}: no handler ran`)
          assert.equal(result.exitCode, EXIT[signal], output.stderr)
          assert.equal(output.stdout, '')
          assert.equal(lines(output.stderr).length, 1, output.stderr)
          assert.match(output.stderr, new RegExp(`^Error: Interrupted \\(${signal}\\)`))
        } finally {
          await killed(child)
          await rm(cwd, {recursive: true, force: true})
        }
      })
    }
  })

  for (const [signal, how] of [['SIGHUP', 'the terminal closed'], ['SIGTERM', 'a kill']] as const) {
    it(`${signal} (${how}) during a foreground limg run removes the container, exit ${EXIT[signal]}`, async () => {
      const project = await makeProject()
      const {child, output} = spawn(['run'], project.dir)
      try {
        await waitUntil('the function to be ready', () => /Ready: http:\/\/127\.0\.0\.1:\d+/.test(output.stderr), 180_000, () => output.stderr)
        assert.equal((await projectContainers(project.dir)).length, 1)
        if (signal === 'SIGHUP') {
          // As when an SSH session drops: nothing reads limg's output any more.
          child.stdout?.destroy()
          child.stderr?.destroy()
        }
        child.kill(signal)
        const result = await child
        assert.equal(result.signal, undefined, `killed by ${result.signal}: the container was left behind`)
        assert.equal(result.exitCode, EXIT[signal], output.stderr)
        if (signal === 'SIGTERM') assert.match(output.stderr, /^Error: Interrupted \(SIGTERM\); stopped and cleaned up\.$/m)
        assert.deepEqual(await projectContainers(project.dir), [])
      } finally {
        await killed(child)
      }
    })
  }

  it('Ctrl-C during limg invoke: exit 130 and the interruption, not an emulator failure', async () => {
    const project = await makeProject({config: {timeout: 60}})
    const run = await limg(['run', '--detach', '--json'], project.dir, {env: ENV})
    assert.equal(run.exitCode, 0, run.stderr)
    const container = String(run.json.container)
    const {child, output} = spawn(['invoke', '--event', '-', '--json'], project.dir, ENV, '{"action":"sleep","ms":60000}')
    try {
      // The function has the event: its invocation has started.
      await waitUntil('the invocation to start', async () => /START RequestId: /.test(await containerLog(container)), 60_000, () => output.stderr, 100)
      child.kill('SIGINT')
      const result = await child
      assert.equal(result.exitCode, 130, output.stdout)
      const error = (JSON.parse(output.stdout) as {error: {code: string; message: string}}).error
      assert.equal(error.code, 'INTERRUPTED')
      assert.equal(error.message, 'Interrupted (SIGINT); stopped and cleaned up.')
    } finally {
      await killed(child)
      await limg(['stop'], project.dir, {env: ENV})
    }
  })

  describe('against an engine that answers a ping and then nothing', () => {
    let server: Server
    let port: number
    let listRequests = 0

    before(async () => {
      server = createServer((req, res) => {
        if (req.url?.endsWith('/_ping')) return void res.end('OK')
        if (req.url?.includes('/containers/json')) listRequests += 1
        // Every other call hangs, as on an engine stuck on a full disk.
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as AddressInfo).port
    })
    after(async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    })

    it('a second Ctrl-C exits at once when the cleanup hangs', async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'limg-e2e-force-'))
      // `limg stop` does not give up its work on the first Ctrl-C: stopping is the cleanup.
      const {child, output} = spawn(['stop'], cwd, {...ENV, DOCKER_HOST: `tcp://127.0.0.1:${port}`, LIMG_ENGINE_TIMEOUT: '600'})
      try {
        await waitUntil('limg stop to list containers', () => listRequests > 0, 20_000, () => output.stderr)
        child.kill('SIGINT')
        // The first must have reached the process before the second is sent, or they are one.
        await waitUntil('the first SIGINT to be delivered', () => !interruptPending(child.pid!), 20_000, () => output.stderr, 5)
        child.kill('SIGINT')
        const result = await child
        assert.equal(result.exitCode, 130, output.stderr)
        assert.match(output.stderr, /^Error: SIGINT again: exited at once, without finishing the cleanup\. `limg stop` removes a function container left running\.$/m)
      } finally {
        await killed(child)
        await rm(cwd, {recursive: true, force: true})
      }
    })
  })

})
