import type {ContainerClient, ContainerInfo, ContainerSpec, ContainerSummary, LogOptions, LogReader} from '../../../src/docker/containers.js'
import type {LogLine} from '../../../src/docker/streams.js'

/** A container with every field filled: `over` changes what a test cares about. */
export function containerInfo(over: Partial<ContainerInfo> = {}): ContainerInfo {
  return {id: 'c0ffee00c0ffee', name: 'limg-fn-1', image: 'fn:x86_64', labels: {}, running: true, status: 'running', exitCode: 0, startedAt: '2026-01-02T03:04:05Z', ...over}
}

/**
 * The engine's containers, faked for unit tests: the containers a test puts in answer
 * inspect and list; logs are lines the test sends with {@link emit} to every reader
 * following; what the engine knows of restarts and kills is a field to set.
 */
export class FakeContainers implements ContainerClient {
  readonly target: string
  readonly containers = new Map<string, ContainerInfo>()
  readonly created: ContainerSpec[] = []
  readonly removed: string[] = []
  /** Changes each container's state on its next inspect (a container that died meanwhile). */
  readonly afterNextInspect = new Map<string, Partial<ContainerInfo>>()
  engineStarted: Date | undefined
  killSignal: number | undefined
  /** Inspect fails with this, as an engine that stopped answering does. */
  inspectFailure: Error | undefined
  private readonly readers = new Set<{onLine: (line: LogLine) => void; end: () => void}>()

  constructor(target = 'fake://engine') {
    this.target = target
  }

  add(info: ContainerInfo): ContainerInfo {
    this.containers.set(info.id, info)
    return info
  }

  /** Sends a log line to every reader that follows. */
  emit(line: LogLine): void {
    for (const reader of this.readers) reader.onLine(line)
  }

  async create(spec: ContainerSpec): Promise<string> {
    this.created.push(spec)
    const id = `created-${this.created.length}`
    this.add(containerInfo({id, name: spec.name, image: spec.image, labels: spec.labels, running: false, status: 'created'}))
    return id
  }

  async start(id: string): Promise<void> {
    const info = this.containers.get(id)
    if (info) this.containers.set(id, {...info, running: true, status: 'running'})
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    if (this.inspectFailure) throw this.inspectFailure
    const info = this.containers.get(id)
    const change = this.afterNextInspect.get(id)
    if (info && change) {
      this.afterNextInspect.delete(id)
      this.containers.set(id, {...info, ...change})
    }
    return info
  }

  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((c) => Object.entries(labels).every(([key, value]) => c.labels[key] === value))
      .map((c, i) => ({id: c.id, name: c.name, labels: c.labels, running: c.running, created: i + 1}))
  }

  async stopAndRemove(id: string): Promise<void> {
    this.removed.push(id)
    this.containers.delete(id)
  }

  async logs(_id: string, _options: LogOptions, onLine: (line: LogLine) => void): Promise<LogReader> {
    let end: () => void = () => {}
    const done = new Promise<void>((resolve) => (end = resolve))
    const reader = {onLine, end}
    this.readers.add(reader)
    return {
      done,
      stop: () => {
        this.readers.delete(reader)
        end()
      },
    }
  }

  async engineStartedAt(): Promise<Date | undefined> {
    return this.engineStarted
  }

  async lastKillSignal(): Promise<number | undefined> {
    return this.killSignal
  }
}
