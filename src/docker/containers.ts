import type {LogLine} from './streams.js'

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
  /** More container ports published on `hostIp`, each on its host port (a debugger's, say). */
  extraPorts?: Array<{containerPort: string; hostPort: number}>
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
  /** Ends a followed log, also one whose answer has not started yet. */
  signal?: AbortSignal
}

/** A container's log being read: `done` resolves when it ends (the container stopped, or the log was read); `stop` ends it early. */
export interface LogReader {
  done: Promise<void>
  stop(): void
}

/**
 * The container half of the Docker seam: what `limg run`, `invoke`, `stop` and `logs` ask
 * of the engine. Kept beside the image half so unit tests can fake either alone.
 */
export interface ContainerClient {
  /** Where the engine is, for messages. */
  readonly target: string
  create(spec: ContainerSpec): Promise<string>
  start(id: string): Promise<void>
  /** Undefined when there is no such container. */
  inspect(id: string): Promise<ContainerInfo | undefined>
  /** Containers carrying every given label (running or not). */
  list(labels: Record<string, string>): Promise<ContainerSummary[]>
  /** Stops (if running) and removes; a container that is already gone is not an error. */
  stopAndRemove(id: string, graceSeconds?: number): Promise<void>
  /** Passes the container's log to `onLine`, line by line, each on its stream (stdout, stderr). */
  logs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<LogReader>
  /**
   * When the engine last started, as far as it can be told: undefined when it cannot. A restart
   * stops every container (unless the engine runs with live-restore), so this tells a function
   * the engine stopped from one that exited on its own.
   */
  engineStartedAt(): Promise<Date | undefined>
  /**
   * The signal the engine last sent the container since `since` (`docker stop`, the engine
   * stopping), as a number, from the engine's recent events; undefined when none is known.
   */
  lastKillSignal(id: string, since: Date): Promise<number | undefined>
}
