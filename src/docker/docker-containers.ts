import {Readable} from 'node:stream'
import type {ContainerClient, ContainerInfo, ContainerSpec, ContainerSummary, LogOptions, LogReader} from './containers.js'
import {type EngineHttp, engineStatus} from './engine-http.js'
import {type LogLine, demuxLines} from './streams.js'

/** What the engine answers to GET /containers/{id}/json, the part limg reads. */
interface InspectAnswer {
  Id: string
  Name: string
  Config: {Image: string; Labels?: Record<string, string> | null}
  State: {Running: boolean; Status: string; ExitCode: number; OOMKilled: boolean; StartedAt: string; FinishedAt: string}
  NetworkSettings?: {Ports?: Record<string, Array<{HostIp: string; HostPort: string}> | null>}
}

interface ListRow {
  Id: string
  Names: string[]
  Labels?: Record<string, string> | null
  State: string
  Created: number
}

/** The {@link ContainerClient} over the Engine API; made by connectDocker, never handed out. */
export class DockerContainers implements ContainerClient {
  constructor(private readonly engine: EngineHttp) {}

  get target(): string {
    return this.engine.target
  }

  async create(spec: ContainerSpec): Promise<string> {
    const created = await this.engine.call<{Id: string}>({
      method: 'POST',
      path: '/containers/create',
      query: {name: spec.name},
      json: {
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
      },
    })
    return created.Id
  }

  async start(id: string): Promise<void> {
    await this.engine.call({method: 'POST', path: `/containers/${encodeURIComponent(id)}/start`})
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    let info: InspectAnswer
    try {
      info = await this.engine.call<InspectAnswer>({method: 'GET', path: `/containers/${encodeURIComponent(id)}/json`})
    } catch (error) {
      if (engineStatus(error) === 404) return undefined
      throw error
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
    const rows = await this.engine.call<ListRow[]>({method: 'GET', path: '/containers/json', query: {all: true, filters: JSON.stringify({label})}})
    return rows.map((row) => ({
      id: row.Id,
      name: (row.Names[0] ?? '').replace(/^\//, ''),
      labels: row.Labels ?? {},
      running: row.State === 'running',
      created: row.Created,
    }))
  }

  async stopAndRemove(id: string, graceSeconds = 2): Promise<void> {
    const path = `/containers/${encodeURIComponent(id)}`
    try {
      await this.engine.call({method: 'POST', path: `${path}/stop`, query: {t: graceSeconds}})
    } catch (error) {
      // 304: already stopped; 404: already gone.
      const status = engineStatus(error)
      if (status !== 304 && status !== 404) throw error
    }
    try {
      await this.engine.call({method: 'DELETE', path, query: {force: true, v: true}})
    } catch (error) {
      // 409: the engine is already removing it.
      const status = engineStatus(error)
      if (status !== 404 && status !== 409) throw error
    }
  }

  async logs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<LogReader> {
    const query = {
      follow: options.follow,
      stdout: true,
      stderr: true,
      // The engine takes fractional seconds as text ("1700000000.250000").
      ...(options.since !== undefined ? {since: options.since.toFixed(6)} : {}),
      ...(options.tail !== undefined ? {tail: options.tail} : {}),
    }
    const path = `/containers/${encodeURIComponent(id)}/logs`
    // A log read to its end answers in one piece and is bounded like any call; a followed one is a stream.
    const stream = options.follow ? await this.engine.stream({method: 'GET', path, query, ...(options.signal ? {signal: options.signal} : {})}) : Readable.from([await this.engine.call<Buffer>({method: 'GET', path, query, raw: true})])
    return demuxLines(stream, onLine)
  }

  async engineStartedAt(): Promise<Date | undefined> {
    // The engine makes its default "bridge" network afresh each time it starts (without
    // live-restore), so that network's creation time is the engine's start. No bridge (an
    // engine run with --bridge=none): not known.
    try {
      const network = await this.engine.call<{Created?: string}>({method: 'GET', path: '/networks/bridge'})
      const created = network.Created ? new Date(network.Created) : undefined
      return created && !Number.isNaN(created.getTime()) ? created : undefined
    } catch (error) {
      if (engineStatus(error) === 404) return undefined
      throw error
    }
  }

  async lastKillSignal(id: string, since: Date): Promise<number | undefined> {
    const query = {
      since: Math.floor(since.getTime() / 1000),
      until: Math.ceil(Date.now() / 1000),
      filters: JSON.stringify({container: [id], event: ['kill']}),
    }
    let stream: Readable
    try {
      stream = await this.engine.stream({method: 'GET', path: '/events', query})
    } catch {
      return undefined
    }
    // With `until`, the engine sends the past events and ends; a stopping engine may not, hence the limit.
    const text = await new Promise<string>((resolve) => {
      let read = ''
      const done = (): void => {
        clearTimeout(timer)
        stream.destroy()
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
}
