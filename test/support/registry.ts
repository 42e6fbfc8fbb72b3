import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import bcrypt from 'bcryptjs'
import {type ResultPromise, execa} from 'execa'
import {freeLoopbackPort} from '../../src/local/ports.js'

const REGISTRY_BINARY = process.env.LIMG_TEST_REGISTRY_BINARY ?? 'docker-registry'
const READY_WAIT_MS = 20_000

export interface TestRegistry {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string
  port: number
  /** Basic auth user `AWS` and this password, as ECR's tokens carry. */
  password: string
  storageDir: string
  /** Stops the registry but keeps its storage, to simulate an outage. */
  stop(): Promise<void>
  /** Kills the registry process (SIGKILL) in the middle of whatever it is doing; storage stays. */
  kill(): Promise<void>
  /** Starts the registry again, on the same port and storage, after stop() or kill(). */
  restart(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Starts Debian's docker-registry (distribution 2.8) on a free loopback port with its own
 * storage and an htpasswd file for user AWS, like the registry behind ECR's proxyEndpoint. The
 * engine pushes to 127.0.0.0/8 over plain HTTP without any daemon configuration.
 */
export async function startRegistry(password = randomBytes(24).toString('base64url')): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'limg-registry-'))
  const storageDir = join(dir, 'storage')
  const port = await freePort()
  // distribution's htpasswd accepts bcrypt only.
  await writeFile(join(dir, 'htpasswd'), `AWS:${bcrypt.hashSync(password, 8)}\n`)
  await writeFile(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storageDir}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      'auth:',
      '  htpasswd:',
      '    realm: limg-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  )
  const endpoint = `http://127.0.0.1:${port}`
  let {child} = await serve(join(dir, 'config.yml'), endpoint)
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    child.kill('SIGTERM')
    await child
  }
  return {
    endpoint,
    host: `127.0.0.1:${port}`,
    port,
    password,
    storageDir,
    stop,
    async kill() {
      if (stopped) return
      stopped = true
      child.kill('SIGKILL')
      await child
    },
    async restart() {
      if (!stopped) throw new Error('The registry is still running.')
      ;({child} = await serve(join(dir, 'config.yml'), endpoint))
      stopped = false
    },
    async [Symbol.asyncDispose]() {
      await stop()
      await rm(dir, {recursive: true, force: true})
    },
  }
}

/** Starts docker-registry on `config`, resolved once it answers on `endpoint`. */
async function serve(config: string, endpoint: string): Promise<{child: ResultPromise}> {
  const child: ResultPromise = execa(REGISTRY_BINARY, ['serve', config], {reject: false, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  await waitUntilAnswering(endpoint, child, () => stderr)
  // Wrapped: an execa child is itself a promise, which `await` would unwrap.
  return {child}
}

async function waitUntilAnswering(endpoint: string, child: ResultPromise, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_WAIT_MS
  let exited = false
  void child.then(() => (exited = true))
  while (Date.now() < deadline) {
    if (exited) throw new Error(`docker-registry exited before answering: ${stderr().trim()}`)
    try {
      const response = await fetch(`${endpoint}/v2/`)
      // 401 means up and asking for the basic auth we configured.
      if (response.status === 401) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`docker-registry did not answer on ${endpoint} within ${READY_WAIT_MS} ms: ${stderr().trim()}`)
}

/** A port nothing listens on right now (the registry takes it a moment later). */
export const freePort = freeLoopbackPort
