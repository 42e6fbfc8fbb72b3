import type {IncomingMessage} from 'node:http'
import {Readable} from 'node:stream'
import type Docker from 'dockerode'
import {asEngineError} from './connection.js'
import type {ContainerClient, ContainerInfo, ContainerSpec, ContainerSummary, LogOptions, LogReader} from './containers.js'
import {type LogLine, demuxLines, engineCall} from './streams.js'

/** The {@link ContainerClient} over dockerode; made by connectDocker, never handed out. */
export class DockerContainers implements ContainerClient {
  constructor(
    private readonly docker: Docker,
    readonly target: string,
  ) {}

  async create(spec: ContainerSpec): Promise<string> {
    const container = await this.call(() =>
      this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Env: spec.env,
        Labels: spec.labels,
        ExposedPorts: Object.fromEntries([spec.containerPort, ...(spec.extraPorts ?? []).map((p) => p.containerPort)].map((port) => [port, {}])),
        HostConfig: {
          Memory: spec.memoryBytes,
          // Lambda has no swap: a function over its memory is killed, not slowed down.
          MemorySwap: spec.memoryBytes,
          PortBindings: {
            [spec.containerPort]: [{HostIp: spec.hostIp, HostPort: spec.hostPort ? String(spec.hostPort) : ''}],
            ...Object.fromEntries((spec.extraPorts ?? []).map((p) => [p.containerPort, [{HostIp: spec.hostIp, HostPort: String(p.hostPort)}]])),
          },
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

  async logs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<LogReader> {
    const query = {
      follow: options.follow,
      stdout: true,
      stderr: true,
      // The engine takes fractional seconds as text ("1700000000.250000").
      ...(options.since !== undefined ? {since: options.since.toFixed(6) as unknown as number} : {}),
      ...(options.tail !== undefined ? {tail: options.tail} : {}),
    }
    const answer = await this.call(() => this.docker.getContainer(id).logs(query as Docker.ContainerLogsOptions & {follow: false}))
    // dockerode answers a follow request with the live stream, any other with the whole log buffered.
    const stream = Buffer.isBuffer(answer) ? Readable.from([answer]) : (answer as unknown as IncomingMessage)
    return demuxLines(this.docker.modem, stream, onLine)
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

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return engineCall(this.target, fn)
  }
}
