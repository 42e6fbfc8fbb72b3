import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type ResultPromise, execa} from 'execa'
import {freeSubnet, ip, pings, unmountUnder} from './engine-process.js'

const READY_WAIT_MS = 60_000

/**
 * A Docker engine of the test's own, beside the shared one: its own data root, exec root (and
 * so its own containerd), pid file, socket and bridge, and no iptables rules, so that stopping or
 * restarting it touches nothing of the engine at /var/run/docker.sock. Published ports work
 * through the engine's userland proxy on 127.0.0.1.
 */
export interface PrivateEngine {
  /** The value for DOCKER_HOST: `unix:///tmp/limg-engine-…/docker.sock`. */
  host: string
  socket: string
  dir: string
  log: string
  /** Stops the engine as `systemctl restart docker` would (SIGTERM, wait for it to exit) and starts it again. */
  restart(): Promise<void>
  /** Stops the engine and removes its bridge and every file it had. */
  [Symbol.asyncDispose](): Promise<void>
}

/** Why a private engine cannot run here, or undefined when it can. */
export async function privateEngineUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'a second dockerd needs root'
  for (const tool of ['dockerd', 'ip']) {
    if ((await execa('sh', ['-c', 'command -v "$1"', 'sh', tool], {reject: false})).exitCode !== 0) return `${tool} is not installed`
  }
  return undefined
}

export async function startPrivateEngine(): Promise<PrivateEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'limg-engine-'))
  const socket = join(dir, 'docker.sock')
  const log = join(dir, 'dockerd.log')
  const bridge = `limg${randomBytes(4).toString('hex')}`
  await writeFile(join(dir, 'daemon.json'), '{}\n')
  const subnet = await freeSubnet('10.231', "the private engine's bridge")
  await ip(['link', 'add', bridge, 'type', 'bridge'])
  try {
    await ip(['addr', 'add', `${subnet}.1/24`, 'dev', bridge])
    await ip(['link', 'set', bridge, 'up'])
  } catch (error) {
    await ip(['link', 'del', bridge]).catch(() => undefined)
    throw error
  }
  const args = [
    // Its own configuration file: /etc/docker/daemon.json belongs to the shared engine.
    '--config-file', join(dir, 'daemon.json'),
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'docker.pid'),
    '--host', `unix://${socket}`,
    `--bridge=${bridge}`,
    // The shared engine owns the host's iptables chains; this one must not rewrite them.
    '--iptables=false',
    '--ip-masq=false',
    '--ip-forward=false',
  ]
  let {child} = await launch(args, socket, log)
  const stopEngine = async (): Promise<void> => {
    child.kill('SIGTERM')
    await child
  }
  return {
    host: `unix://${socket}`,
    socket,
    dir,
    log,
    async restart() {
      await stopEngine()
      ;({child} = await launch(args, socket, log))
    },
    async [Symbol.asyncDispose]() {
      await stopEngine()
      await ip(['link', 'del', bridge]).catch(() => undefined)
      // Layers the engine left mounted under its own data root, if any, before the folder goes.
      await unmountUnder(dir)
      await rm(dir, {recursive: true, force: true})
    },
  }
}

async function launch(args: string[], socket: string, log: string): Promise<{child: ResultPromise}> {
  const child = execa('dockerd', args, {reject: false, stdin: 'ignore', stdout: {file: log, append: true}, stderr: {file: log, append: true}})
  let exited = false
  void child.then(() => (exited = true))
  const deadline = Date.now() + READY_WAIT_MS
  while (!(await pings({socketPath: socket}))) {
    if (exited) throw new Error(`The private dockerd exited before answering; see ${log}.`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`The private dockerd did not answer on ${socket} within ${READY_WAIT_MS} ms; see ${log}.`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  // Wrapped: an execa child is itself a promise, which `await` would unwrap.
  return {child}
}
