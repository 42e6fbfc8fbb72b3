import type {IncomingMessage} from 'node:http'
import {Readable} from 'node:stream'
import type Docker from 'dockerode'
import {asEngineError} from './connection.js'
import type {DockerEngine} from './docker-engine.js'

export interface ContainerSpec {
  name: string
  image: string
  env: string[]
  labels: Record<string, string>
  /** Bytes; the function's memory, as Lambda enforces it. */
  memoryBytes: number
  /** The container port to publish (`8080/tcp`). */
  containerPort: string
  hostIp: string
  /** Undefined: the engine picks a free port. */
  hostPort?: number
}

export interface ContainerInfo {
  id: string
  name: string
  image: string
  labels: Record<string, string>
  running: boolean
  status: string
  exitCode: number
  /** The kernel killed it for going over its memory limit. */
  oomKilled?: boolean
  /** The host port published for the spec's container port, when there is one. */
  hostPort?: number
  startedAt: string
  /** When it last stopped; absent (or the zero time) while it has not. */
  finishedAt?: string
}

export interface ContainerSummary {
  id: string
  name: string
  labels: Record<string, string>
  running: boolean
  created: number
}

export interface LogOptions {
  follow: boolean
  /** Unix seconds (fractions allowed): only lines the engine logged at or after this time. */
  since?: number
  tail?: number
  timestamps?: boolean
  signal?: AbortSignal
}

/** A container's log, as the engine sends it: multiplexed frames (no TTY). */
export type RawLogStream = NodeJS.ReadableStream & {destroy(): void}

/**
 * The container half of the engine seam: what `limg run`, `invoke`, `stop` and `logs` ask
 * of Docker. Kept beside the image seam so unit tests can fake either alone.
 */
export interface ContainerEngine {
  readonly target: string
  create(spec: ContainerSpec): Promise<string>
  start(id: string): Promise<void>
  /** Undefined when there is no such container. */
  inspect(id: string): Promise<ContainerInfo | undefined>
  /** Containers carrying every given label (running or not). */
  list(labels: Record<string, string>): Promise<ContainerSummary[]>
  /** Stops (if running) and removes; a container that is already gone is not an error. */
  stopAndRemove(id: string, graceSeconds?: number): Promise<void>
  logs(id: string, options: LogOptions): Promise<RawLogStream>
  /** Whether `path` exists in `image`'s file system, read without running the image. */
  imageHasPath(image: string, path: string): Promise<boolean>
  /**
   * When the engine last started, as far as it can be told: undefined when it cannot. A restart
   * stops every container (unless the engine runs with live-restore), so this tells a function
   * the engine stopped from one that exited on its own.
   */
  engineStartedAt?(): Promise<Date | undefined>
  /**
   * The signal the engine last sent the container since `since` (`docker stop`, the engine
   * stopping), as a number, from the engine's recent events; undefined when none is known.
   */
  lastKillSignal?(id: string, since: Date): Promise<number | undefined>
}

export class DockerContainers implements ContainerEngine {
  readonly target: string
  private readonly docker: Docker

  constructor(engine: DockerEngine) {
    this.docker = engine.docker
    this.target = engine.target
  }

  async create(spec: ContainerSpec): Promise<string> {
    const container = await this.call(() =>
      this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Env: spec.env,
        Labels: spec.labels,
        ExposedPorts: {[spec.containerPort]: {}},
        HostConfig: {
          Memory: spec.memoryBytes,
          // Lambda has no swap: a function over its memory is killed, not slowed down.
          MemorySwap: spec.memoryBytes,
          PortBindings: {[spec.containerPort]: [{HostIp: spec.hostIp, HostPort: spec.hostPort ? String(spec.hostPort) : ''}]},
        },
      }),
    )
    return container.id
  }

  async start(id: string): Promise<void> {
    await this.call(() => this.docker.getContainer(id).start())
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    let info: Docker.ContainerInspectInfo
    try {
      info = await this.docker.getContainer(id).inspect()
    } catch (error) {
      if ((error as {statusCode?: number}).statusCode === 404) return undefined
      throw asEngineError(error, this.target)
    }
    const bindings = Object.values(info.NetworkSettings?.Ports ?? {}).find((b) => b && b.length > 0)
    const hostPort = bindings?.[0]?.HostPort ? Number(bindings[0].HostPort) : undefined
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      labels: info.Config.Labels ?? {},
      running: info.State.Running,
      status: info.State.Status,
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled,
      startedAt: info.State.StartedAt,
      finishedAt: info.State.FinishedAt,
      ...(hostPort ? {hostPort} : {}),
    }
  }

  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`)
    const rows = await this.call(() => this.docker.listContainers({all: true, filters: {label}}))
    return rows.map((row) => ({
      id: row.Id,
      name: (row.Names[0] ?? '').replace(/^\//, ''),
      labels: row.Labels ?? {},
      running: row.State === 'running',
      created: row.Created,
    }))
  }

  async stopAndRemove(id: string, graceSeconds = 2): Promise<void> {
    const container = this.docker.getContainer(id)
    try {
      await container.stop({t: graceSeconds})
    } catch (error) {
      // 304: already stopped; 404: already gone.
      const status = (error as {statusCode?: number}).statusCode
      if (status !== 304 && status !== 404) throw asEngineError(error, this.target)
    }
    try {
      await container.remove({force: true, v: true})
    } catch (error) {
      // 409: the engine is already removing it.
      const status = (error as {statusCode?: number}).statusCode
      if (status !== 404 && status !== 409) throw asEngineError(error, this.target)
    }
  }

  async logs(id: string, options: LogOptions): Promise<RawLogStream> {
    const query = {
      follow: options.follow,
      stdout: true,
      stderr: true,
      timestamps: options.timestamps ?? false,
      // The engine takes fractional seconds as text ("1700000000.250000").
      ...(options.since !== undefined ? {since: options.since.toFixed(6) as unknown as number} : {}),
      ...(options.tail !== undefined ? {tail: options.tail} : {}),
      ...(options.signal ? {abortSignal: options.signal} : {}),
    }
    const answer = await this.call(() => this.docker.getContainer(id).logs(query as Docker.ContainerLogsOptions & {follow: false}))
    // dockerode answers a follow request with the live stream, any other with the whole log buffered.
    if (Buffer.isBuffer(answer)) return Readable.from([answer]) as unknown as RawLogStream
    return answer as unknown as IncomingMessage
  }

  async imageHasPath(image: string, path: string): Promise<boolean> {
    // A created, never started container exposes the image's file system to the archive API,
    // which works the same against a remote engine.
    const container = await this.call(() => this.docker.createContainer({Image: image, Entrypoint: ['/'], Labels: {limg: 'true'}}))
    try {
      // The answer is a stream (dockerode asks HEAD as one); left open it would keep the process alive.
      const answer = (await container.infoArchive({path})) as unknown as {destroy?: () => void}
      answer.destroy?.()
      return true
    } catch (error) {
      if ((error as {statusCode?: number}).statusCode === 404) return false
      throw asEngineError(error, this.target)
    } finally {
      await container.remove({force: true}).catch(() => undefined)
    }
  }

  async engineStartedAt(): Promise<Date | undefined> {
    // The engine makes its default "bridge" network afresh each time it starts (without
    // live-restore), so that network's creation time is the engine's start. No bridge (an
    // engine run with --bridge=none): not known.
    try {
      const network = (await this.docker.getNetwork('bridge').inspect()) as {Created?: string}
      const created = network.Created ? new Date(network.Created) : undefined
      return created && !Number.isNaN(created.getTime()) ? created : undefined
    } catch (error) {
      if ((error as {statusCode?: number}).statusCode === 404) return undefined
      throw asEngineError(error, this.target)
    }
  }

  async lastKillSignal(id: string, since: Date): Promise<number | undefined> {
    let stream: NodeJS.ReadableStream & {destroy?: () => void}
    try {
      stream = (await this.docker.getEvents({
        since: Math.floor(since.getTime() / 1000),
        until: Math.ceil(Date.now() / 1000),
        filters: JSON.stringify({container: [id], event: ['kill']}),
      } as Docker.GetEventsOptions)) as NodeJS.ReadableStream & {destroy?: () => void}
    } catch {
      return undefined
    }
    // With `until`, the engine sends the past events and ends; a stopping engine may not, hence the limit.
    const text = await new Promise<string>((resolve) => {
      let read = ''
      const done = (): void => {
        clearTimeout(timer)
        stream.destroy?.()
        resolve(read)
      }
      const timer = setTimeout(done, 2000)
      stream.on('data', (chunk: Buffer) => (read += chunk.toString()))
      stream.on('end', done)
      stream.on('close', done)
      stream.on('error', done)
    })
    let signal: number | undefined
    for (const line of text.split('\n')) {
      try {
        const value = Number((JSON.parse(line) as {Actor?: {Attributes?: {signal?: string}}}).Actor?.Attributes?.signal)
        if (Number.isInteger(value) && value > 0) signal = value
      } catch {
        // a partial line at the limit
      }
    }
    return signal
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw asEngineError(error, this.target)
    }
  }
}
