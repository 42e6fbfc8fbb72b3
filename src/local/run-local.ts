import {readFile, stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {type BuildSettings, readLastBuild} from '../build/last-build.js'
import {loadProjectConfig} from '../config/load.js'
import {resolveConfig} from '../config/resolve.js'
import {DockerContainers} from '../engine/containers.js'
import {createEngine} from '../engine/docker-engine.js'
import {InvalidInputError, LocalRunError} from '../errors/index.js'
import {fsReason} from '../util/fs-errors.js'
import {checkEvent} from './event.js'
import {projectContainer} from './find.js'
import {extraLabels} from './labels.js'
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
  /** Build flags for a rebuild; unset ones come from the last `limg build`. */
  baseImage?: string
  dockerfile?: string
  caCert?: string
  build: boolean
  rie?: string
  signal?: AbortSignal
  onEvent?: (event: ServeEvent) => void
  /** The settings carried over from the last build, when there were any. */
  onCarried?: (settings: BuildSettings) => void
  onLine?: (line: LogLine) => void
  onReady?: (running: RunningFunction) => void
  /** Told about limg.json keys limg does not know. */
  onWarning?: (message: string) => void
  processEnv?: NodeJS.ProcessEnv
}

export type RunLocalResult = RunningFunction

/** `limg build`'s domain function, as `limg run` builds first, with the build flags in force. */
function projectBuilder(engine: Awaited<ReturnType<typeof createEngine>>, env: NodeJS.ProcessEnv, settings: BuildSettings): ImageBuilder {
  return async ({dir, config, signal}) => {
    // Loaded on demand: `limg invoke`, `stop` and `logs` share this module and never build.
    const {buildProjectLocked} = await import('../build/build-lock.js')
    const built = await buildProjectLocked(engine, {
      projectDir: dir,
      config,
      env,
      settings,
      extraLabels: extraLabels(env),
      ...(settings.dockerfile === undefined ? {} : {dockerfilePath: settings.dockerfile}),
      ...(signal ? {signal} : {}),
    })
    return {image: built.image}
  }
}

/** The build flags a run rebuilds with: its own, else those of the last `limg build`. */
function buildSettings(request: RunLocalRequest, last: BuildSettings | undefined): {settings: BuildSettings; carried: BuildSettings} {
  const carried: BuildSettings = {}
  const settings: BuildSettings = {}
  for (const key of ['arch', 'baseImage', 'dockerfile', 'caCert'] as const) {
    const own = key === 'dockerfile' || key === 'caCert' ? (request[key] === undefined ? undefined : resolve(request[key])) : request[key]
    const value = own ?? last?.[key]
    if (value === undefined) continue
    settings[key] = value
    if (own === undefined) carried[key] = value
  }
  return {settings, carried}
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
  const project = await loadProjectConfig(dir, request.onWarning ? {onWarning: request.onWarning} : {})
  const {settings, carried} = buildSettings(request, (await readLastBuild(dir, processEnv))?.settings)
  if (Object.keys(carried).length > 0) request.onCarried?.(carried)
  const config = resolveConfig(project, {arch: settings.arch, baseImage: settings.baseImage, caCert: settings.caCert, timeout: request.timeout, memory: request.memory}, processEnv)
  const engine = await createEngine(processEnv, request.signal)
  const containers = new DockerContainers(engine)
  const start = {
    dir,
    config,
    build: request.build,
    builder: projectBuilder(engine, processEnv, settings),
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
  /** A file path, or `-` for stdin; undefined: the project's own event file, else `{}`. */
  event?: string
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
    const reason = fsReason(error)
    if (!reason) throw error
    throw new InvalidInputError(`Cannot read the event ${file}: ${reason}.`, 'Pass an event file with --event FILE, or --event - to read it from stdin.', {cause: error})
  }
}

/** `limg invoke`: one event to the project's running function. */
export async function invokeLocal(request: InvokeLocalRequest): Promise<InvokeReport & {eventFrom: string}> {
  const dir = resolve(request.dir)
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new InvalidInputError(`The project folder ${dir} does not exist.`, 'Pass --dir with the folder of the function, or --port with its emulator\'s port.')
  }
  const source = request.event ?? (await defaultEventFile(dir))
  // Checked before the engine is asked anything: a bad event is the caller's to fix, as Lambda says.
  const event = source === undefined ? Buffer.from('{}') : checkEvent(await readEvent(source, dir, request.stdin), source === '-' ? 'stdin' : source)
  const engine = await createEngine(request.processEnv ?? process.env, request.signal)
  const report = await invokeFunction(new DockerContainers(engine), {
    dir,
    event,
    ...(request.port !== undefined ? {port: request.port} : {}),
    ...(request.signal ? {signal: request.signal} : {}),
  })
  return {...report, eventFrom: source === undefined ? 'none' : source === '-' ? 'stdin' : source}
}

/** Where projects keep their test event: limg's events/event.json, or event.json at the root as AWS's samples do. */
const DEFAULT_EVENT_FILES = ['events/event.json', 'event.json']

export async function defaultEventFile(dir: string): Promise<string | undefined> {
  for (const file of DEFAULT_EVENT_FILES) {
    if ((await stat(join(dir, file)).catch(() => undefined))?.isFile()) return file
  }
  return undefined
}

/** `limg stop`: every container limg started for the project, stopped and removed. */
export async function stopLocal(request: {dir: string; processEnv?: NodeJS.ProcessEnv; signal?: AbortSignal}): Promise<{stopped: string[]}> {
  // The signal only ends the wait for the engine to answer: once it has, stopping is the cleanup itself.
  const engine = await createEngine(request.processEnv ?? process.env, request.signal)
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
  const engine = await createEngine(request.processEnv ?? process.env, request.signal)
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
