import {readFile} from 'node:fs/promises'
import {resolve} from 'node:path'
import {loadProjectConfig} from '../config/load.js'
import {resolveConfig} from '../config/resolve.js'
import {DockerContainers} from '../engine/containers.js'
import {createEngine} from '../engine/docker-engine.js'
import {InvalidInputError, LocalRunError} from '../errors/index.js'
import {projectContainer} from './find.js'
import {type InvokeReport, invokeFunction} from './invoke.js'
import type {LogLine} from './log-lines.js'
import {streamLogs} from './logs.js'
import type {ImageBuilder} from './project-image.js'
import {type ServeEvent, serveFunction} from './serve.js'
import {type RunningFunction, startFunction} from './start.js'
import {stopProject} from './stop.js'

export interface RunLocalRequest {
  dir: string
  port?: number
  detach: boolean
  watch: boolean
  env?: string[]
  envFile?: string
  timeout?: number
  memory?: number
  arch?: string
  build: boolean
  rie?: string
  signal?: AbortSignal
  onEvent?: (event: ServeEvent) => void
  onLine?: (line: LogLine) => void
  onReady?: (running: RunningFunction) => void
  processEnv?: NodeJS.ProcessEnv
}

export type RunLocalResult = RunningFunction

/** `limg build`'s domain function, as `limg run` builds first. */
function projectBuilder(engine: Awaited<ReturnType<typeof createEngine>>, env: NodeJS.ProcessEnv): ImageBuilder {
  return async ({dir, config, signal}) => {
    // Loaded on demand: `limg invoke`, `stop` and `logs` share this module and never build.
    const {buildProjectLocked} = await import('../build/build-lock.js')
    const built = await buildProjectLocked(engine, {projectDir: dir, config, env, ...(signal ? {signal} : {})})
    return {image: built.image}
  }
}

/**
 * `limg run`: the project's function with the emulator. Detached, it returns once the
 * emulator answers; in the foreground it streams the log until Ctrl-C (InterruptedError),
 * restarting on changes with `watch`.
 */
export async function runLocal(request: RunLocalRequest): Promise<RunLocalResult> {
  if (request.detach && request.watch) throw new InvalidInputError('--watch needs the foreground: it cannot be combined with --detach.', 'Drop one of the two flags.')
  const processEnv = request.processEnv ?? process.env
  const dir = resolve(request.dir)
  const config = resolveConfig(await loadProjectConfig(dir), {arch: request.arch, timeout: request.timeout, memory: request.memory}, processEnv)
  const engine = await createEngine(processEnv)
  const containers = new DockerContainers(engine)
  const start = {
    dir,
    config,
    build: request.build,
    builder: projectBuilder(engine, processEnv),
    processEnv,
    ...(request.port !== undefined ? {port: request.port} : {}),
    ...(request.env ? {env: request.env} : {}),
    ...(request.envFile ? {envFile: request.envFile} : {}),
    ...(request.rie ? {rie: request.rie} : {}),
    ...(request.signal ? {signal: request.signal} : {}),
  }
  if (request.detach) return startFunction(engine, containers, {...start, ...(request.onEvent ? {onEvent: request.onEvent} : {})})
  return serveFunction(engine, containers, {
    ...start,
    watch: request.watch,
    onLine: request.onLine ?? (() => {}),
    ...(request.onEvent ? {onEvent: request.onEvent} : {}),
    ...(request.onReady ? {onReady: request.onReady} : {}),
  })
}

export interface InvokeLocalRequest {
  dir: string
  /** A file path, or `-` for stdin. */
  event: string
  port?: number
  signal?: AbortSignal
  stdin?: NodeJS.ReadableStream
  processEnv?: NodeJS.ProcessEnv
}

export async function readEvent(source: string, dir: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  if (source === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
    return Buffer.concat(chunks)
  }
  const file = resolve(dir, source)
  try {
    return await readFile(file)
  } catch (error) {
    throw new InvalidInputError(`Cannot read the event ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Pass an event file with --event FILE, or --event - to read it from stdin.', {cause: error})
  }
}

/** `limg invoke`: one event to the project's running function. */
export async function invokeLocal(request: InvokeLocalRequest): Promise<InvokeReport> {
  const dir = resolve(request.dir)
  const event = await readEvent(request.event, dir, request.stdin)
  const engine = await createEngine(request.processEnv ?? process.env)
  return invokeFunction(new DockerContainers(engine), {
    dir,
    event,
    ...(request.port !== undefined ? {port: request.port} : {}),
    ...(request.signal ? {signal: request.signal} : {}),
  })
}

/** `limg stop`: every container limg started for the project, stopped and removed. */
export async function stopLocal(request: {dir: string; processEnv?: NodeJS.ProcessEnv}): Promise<{stopped: string[]}> {
  const engine = await createEngine(request.processEnv ?? process.env)
  return stopProject(new DockerContainers(engine), resolve(request.dir))
}

export interface LogsLocalRequest {
  dir: string
  follow: boolean
  tail?: number
  signal?: AbortSignal
  onLine: (line: LogLine) => void
  processEnv?: NodeJS.ProcessEnv
}

/** `limg logs`: the newest running container of the project, its log printed (and followed). */
export async function logsLocal(request: LogsLocalRequest): Promise<{container: string; lines: number}> {
  const engine = await createEngine(request.processEnv ?? process.env)
  const containers = new DockerContainers(engine)
  const container = await projectContainer(containers, resolve(request.dir)).catch((error: unknown) => {
    if (error instanceof LocalRunError) throw new LocalRunError(`No function of this project is running, so there is no log to show.`, 'Start one with `limg run --detach`.')
    throw error
  })
  let lines = 0
  await streamLogs(containers, container.id, {follow: request.follow, ...(request.tail !== undefined ? {tail: request.tail} : {}), ...(request.signal ? {signal: request.signal} : {})}, (line) => {
    lines += 1
    request.onLine(line)
  })
  return {container: container.id, lines}
}
