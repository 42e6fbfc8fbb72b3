import {randomBytes} from 'node:crypto'
import {request} from 'node:http'
import type Docker from 'dockerode'
import {PassThrough} from 'node:stream'
import {containerMemoryBytes} from '../../../src/run/memory.js'

const INVOKE_PATH = '/2015-03-31/functions/function/invocations'
const READY_WAIT_MS = 60_000
const REPORT_WAIT_MS = 5000

/** One execution environment's settings: what Lambda gives the runtime of a function version. */
export interface Environment {
  /** Changes whenever Lambda would start fresh environments (new code or configuration). */
  key: string
  image: string
  arch: 'x86_64' | 'arm64'
  memoryMb: number
  variables: Record<string, string>
}

export interface Invocation {
  statusCode: number
  body: string
  requestId: string
  /** The invocation's log, START to REPORT, with the engine's time of each line. */
  lines: {timestamp: number; text: string}[]
  /** The environment's log stream, `YYYY/MM/DD/[<version>]<hex>` as Lambda names them. */
  streamName: string
}

interface Warm {
  key: string
  id: string
  port: number
  streamName: string
  queue: Promise<unknown>
}

/**
 * Runs function images on the real engine, behind the emulator their base image carries (AWS's
 * and limg's offline images start it when AWS_LAMBDA_RUNTIME_API is unset): one warm container
 * per environment, one invocation at a time in each, as Lambda does.
 */
export class FunctionRuntime {
  private readonly warm = new Map<string, Warm>()

  constructor(
    private readonly docker: Docker,
    private readonly labels: Record<string, string>,
  ) {}

  async invoke(environment: Environment, version: string, payload: Buffer): Promise<Invocation> {
    const warm = this.warm.get(environment.key) ?? (await this.start(environment, version))
    const run = warm.queue.then(() => this.send(warm, payload))
    warm.queue = run.catch(() => undefined)
    return run
  }

  /** Removes the environments that are not `keep`: new code or configuration starts new ones. */
  async retire(prefix: string, keep?: string): Promise<void> {
    for (const [key, warm] of [...this.warm]) {
      if (!key.startsWith(prefix) || key === keep) continue
      this.warm.delete(key)
      await this.docker.getContainer(warm.id).remove({force: true}).catch(() => undefined)
    }
  }

  async stopAll(): Promise<void> {
    await this.retire('')
  }

  private async start(environment: Environment, version: string): Promise<Warm> {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/')
    const streamName = `${day}/[${version}]${randomBytes(16).toString('hex')}`
    const container = await this.docker.createContainer({
      name: `limg-lambda-stand-in-${randomBytes(6).toString('hex')}`,
      Image: environment.image,
      Env: Object.entries({...environment.variables, AWS_LAMBDA_LOG_STREAM_NAME: streamName}).map(([k, v]) => `${k}=${v}`),
      Labels: this.labels,
      ExposedPorts: {'8080/tcp': {}},
      HostConfig: {
        Memory: containerMemoryBytes(environment.memoryMb, environment.arch),
        PortBindings: {'8080/tcp': [{HostIp: '127.0.0.1', HostPort: ''}]},
      },
    })
    try {
      await container.start()
      const info = await container.inspect()
      const port = Number(info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort)
      await waitUntilAnswering(container, port)
      const warm: Warm = {key: environment.key, id: container.id, port, streamName, queue: Promise.resolve()}
      this.warm.set(environment.key, warm)
      return warm
    } catch (error) {
      await container.remove({force: true}).catch(() => undefined)
      throw error
    }
  }

  private async send(warm: Warm, payload: Buffer): Promise<Invocation> {
    const container = this.docker.getContainer(warm.id)
    const sent = Date.now()
    const since = sent / 1000 - 1
    const lines: {timestamp: number; text: string}[] = []
    let requestId = ''
    let reported: (() => void) | undefined
    const done = new Promise<void>((resolve) => (reported = resolve))
    const logs = (await container.logs({follow: true, stdout: true, stderr: true, timestamps: true, since: Math.floor(since)})) as unknown as NodeJS.ReadableStream & {destroy(): void}
    const out = new PassThrough()
    this.docker.modem.demuxStream(logs, out, out)
    let partial = ''
    let started = false
    out.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n')
      partial = parts.pop() ?? ''
      for (const raw of parts) {
        const space = raw.indexOf(' ')
        const timestamp = Date.parse(raw.slice(0, space))
        const text = raw.slice(space + 1).replace(/\r$/, '')
        const start = /^START RequestId: (\S+)/.exec(text)
        // The log since a second ago may hold the end of the previous invocation: start at this one's START.
        if (start && !started && Number.isFinite(timestamp) && timestamp >= Math.floor(sent)) {
          started = true
          requestId = start[1]
        }
        if (!started) continue
        lines.push({timestamp, text})
        if (text.startsWith(`REPORT RequestId: ${requestId}`)) reported?.()
      }
    })
    const reply = await post(warm.port, payload)
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, REPORT_WAIT_MS))])
    logs.destroy()
    return {...reply, requestId, lines, streamName: warm.streamName}
  }
}

function post(port: number, payload: Buffer): Promise<{statusCode: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, path: INVOKE_PATH, method: 'POST', agent: false, headers: {'content-type': 'application/json', 'content-length': payload.length}}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** Any HTTP answer on the port means the emulator listens (Docker's proxy accepts connections before it does). */
async function waitUntilAnswering(container: Docker.Container, port: number): Promise<void> {
  const deadline = Date.now() + READY_WAIT_MS
  for (let pause = 10; Date.now() < deadline; pause = Math.min(pause * 2, 200)) {
    const answered = await new Promise<boolean>((resolve) => {
      const req = request({host: '127.0.0.1', port, path: '/', method: 'GET', agent: false, timeout: 1000}, (res) => {
        res.resume()
        res.on('end', () => resolve(true))
      })
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', () => resolve(false))
      req.end()
    })
    if (answered) return
    const state = (await container.inspect()).State
    if (!state.Running) throw new Error(`the function's container exited with ${state.ExitCode} before its emulator answered`)
    await new Promise((resolve) => setTimeout(resolve, pause))
  }
  throw new Error(`the emulator did not answer on port ${port} within ${READY_WAIT_MS} ms`)
}
