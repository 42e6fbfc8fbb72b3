import {resolve} from 'node:path'
import type {BuildSettings} from '../build/last-build.js'
import {readLastBuild} from '../build/last-build.js'
import type {LogLine} from '../docker/streams.js'
import {InvalidInputError} from '../errors/index.js'
import {extraLabels} from '../run/labels.js'
import type {ImageBuilder} from '../run/project-image.js'
import {type ServeEvent, serveFunction} from '../run/serve.js'
import {type RunningFunction, startFunction} from '../run/start.js'
import {validatePayloadFormat} from '../config/http-settings.js'
import {startDetachedFrontDoor} from '../front/detached.js'
import type {PayloadFormat} from '../front/http-event.js'
import {poolInvoker} from '../front/invoker.js'
import {MAX_CONCURRENCY, startMoreInstances} from '../run/instances.js'
import {type FrontDoorRequestEvent, openFrontDoor} from '../front/server.js'
import {LOOPBACK} from '../run/emulator.js'
import {containerHost} from '../run/container-host.js'
import {type AppContext, projectSettings} from './context.js'

export interface RunRequest {
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
  /** The HTTP front door's port on 127.0.0.1 (0: a free one); none when undefined. */
  http?: number
  /** The front door's payload format; default limg.json "http.format", else 2.0. */
  httpFormat?: string
  /** The Node inspector on this 127.0.0.1 port (0: a free one); `inspectBrk` stops at the runtime's first line. */
  inspect?: number
  inspectBrk?: number
  /** Warm instances (containers) to keep, each taking one invocation at a time; default 1. */
  concurrency?: number
  /** On a remote engine: the address to reach its published ports at (default: the engine's host). */
  containerHost?: string
  /** On a remote engine: its host's interface to publish on (default: the engine's address). */
  containerHostInterface?: string
}

/** What `limg run` reports: the running function and, with `--http`, its front door. */
export type RunOutcome = RunningFunction & {http?: FrontDoorInfo; instances?: RunningFunction[]}

export interface FrontDoorInfo {
  url: string
  port: number
  format: PayloadFormat
  /** The detached front door's process; `limg stop` ends it. */
  pid?: number
}

/** What `limg run` reports: starting, rebuilding, the settings it carried, and the function's log in the foreground. */
export type RunProgressEvent =
  | ServeEvent
  | {type: 'carried'; settings: BuildSettings}
  | {type: 'log'; line: LogLine}
  | {type: 'serving'; running: RunOutcome}
  | {type: 'http-request'; request: FrontDoorRequestEvent}

/**
 * `limg run`: the project's function with the emulator. Detached, it returns once the
 * emulator answers; in the foreground it streams the log until Ctrl-C (InterruptedError),
 * restarting on changes with `watch`.
 */
export async function run(context: AppContext, request: RunRequest, onEvent: (event: RunProgressEvent) => void = () => {}): Promise<RunOutcome> {
  if (request.detach && request.watch) throw new InvalidInputError('--watch needs the foreground: it cannot be combined with --detach.', 'Drop one of the two flags.')
  if (request.http === undefined && request.httpFormat !== undefined) throw new InvalidInputError('--http-format shapes the events of the HTTP front door, which needs --http PORT.', 'Add --http PORT (0 for a free port).')
  const dir = resolve(request.dir)
  const {settings, carried} = buildSettings(request, (await readLastBuild(dir, context.env))?.settings)
  if (Object.keys(carried).length > 0) onEvent({type: 'carried', settings: carried})
  const project = await projectSettings(context, dir, {arch: settings.arch, baseImage: settings.baseImage, caCert: settings.caCert, timeout: request.timeout, memory: request.memory}, 'run')
  if (request.inspect !== undefined && request.inspectBrk !== undefined) throw new InvalidInputError('--inspect and --inspect-brk cannot be combined.', 'Use --inspect-brk PORT to stop before the first line, else --inspect PORT.')
  const inspect = request.inspectBrk !== undefined ? {port: request.inspectBrk, brk: true} : request.inspect !== undefined ? {port: request.inspect, brk: false} : undefined
  const concurrency = checkConcurrency(request.concurrency ?? 1, request, inspect !== undefined)
  const docker = await context.docker()
  const where = await containerHost(docker.target, {
    ...(request.containerHost === undefined ? {} : {host: request.containerHost}),
    ...(request.containerHostInterface === undefined ? {} : {bindInterface: request.containerHostInterface}),
  }, context.env)
  const start = {
    dir: project.dir,
    config: project.config,
    build: request.build,
    builder: projectBuilder(context, settings),
    processEnv: context.env,
    containerHost: where,
    onEvent,
    ...(request.port !== undefined ? {port: request.port} : {}),
    ...(request.env ? {env: request.env} : {}),
    ...(request.envFile ? {envFile: request.envFile} : {}),
    ...(request.rie ? {rie: request.rie} : {}),
    ...(context.signal ? {signal: context.signal} : {}),
    ...(inspect ? {inspect} : {}),
  }
  const format = request.http === undefined ? undefined : request.httpFormat !== undefined ? validatePayloadFormat(request.httpFormat, '--http-format') : (project.config.http?.format ?? '2.0')
  if (request.detach) {
    const first = await startFunction(docker, {...start, ...(concurrency > 1 ? {instance: 1} : {})})
    let instances = [first]
    try {
      if (concurrency > 1) instances = [first, ...(await startMoreInstances(docker, start, concurrency))]
      const many = concurrency > 1 ? {instances} : {}
      if (request.http === undefined || format === undefined) return {...first, ...many}
      const spec = {container: first.container, instances: instances.map((i) => ({container: i.container, host: i.host, port: i.port})), httpPort: request.http, format}
      const door = await startDetachedFrontDoor(spec, context.env)
      return {...first, ...many, http: {url: `http://${LOOPBACK}:${door.port}`, port: door.port, format, pid: door.pid}}
    } catch (error) {
      // Nothing is left running when an instance or the front door cannot start.
      await Promise.all(instances.map((i) => docker.containers.stopAndRemove(i.container, 0).catch(() => undefined)))
      throw error
    }
  }
  // Each instance as it is now; a --watch restart replaces the one it restarts.
  const serving = new Map<number, RunningFunction>()
  // Bound before the containers start, so a port in use fails before anything runs.
  const door =
    request.http === undefined || format === undefined
      ? undefined
      : await openFrontDoor({format, port: request.http, invoke: poolInvoker(() => [...serving.values()], context.signal ? {signal: context.signal} : {}), onRequest: (event) => onEvent({type: 'http-request', request: event})})
  const http = door && format ? {url: door.url, port: door.port, format} : undefined
  try {
    return await serveFunction(docker, {
      ...start,
      watch: request.watch,
      instances: concurrency,
      onLine: (line) => onEvent({type: 'log', line}),
      onStarted: (running) => serving.set(running.instance ?? 1, running),
      onReady: (running) => onEvent({type: 'serving', running: {...running, ...(http ? {http} : {}), ...(concurrency > 1 ? {instances: [...serving.values()]} : {})}}),
    })
  } finally {
    await door?.close()
  }
}

function checkConcurrency(concurrency: number, request: RunRequest, inspecting: boolean): number {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new InvalidInputError(`--concurrency ${concurrency} is not a number of instances from 1 to ${MAX_CONCURRENCY}.`, 'Pass --concurrency N, such as 4.')
  }
  if (concurrency > 1 && request.watch) throw new InvalidInputError('--watch restarts one container: it cannot be combined with --concurrency above 1.', 'Drop --watch, or --concurrency.')
  if (concurrency > 1 && inspecting) throw new InvalidInputError('A debugger attaches to one runtime: --inspect cannot be combined with --concurrency above 1.', 'Drop --concurrency while debugging.')
  return concurrency
}

/** `limg build`, as `limg run` builds first, with the build flags in force. */
function projectBuilder(context: AppContext, settings: BuildSettings): ImageBuilder {
  return async ({dir, config, signal}) => {
    if ((settings.builder ?? config.builder) === 'direct') {
      const {build} = await import('./build.js')
      const built = await build(context, {dir, ...settings, builder: 'direct'})
      return {image: built.image}
    }
    // Loaded on demand: only a run that builds needs the build's modules.
    const {buildProjectLocked} = await import('../build/build-lock.js')
    const built = await buildProjectLocked(await context.docker(), {
      projectDir: dir,
      config,
      env: context.env,
      settings,
      extraLabels: extraLabels(context.env),
      ...(settings.dockerfile === undefined ? {} : {dockerfilePath: settings.dockerfile}),
      ...(signal ? {signal} : {}),
    })
    return {image: built.image}
  }
}

/** The build flags a run rebuilds with: its own, else those of the last `limg build`. */
function buildSettings(request: RunRequest, last: BuildSettings | undefined): {settings: BuildSettings; carried: BuildSettings} {
  const carried: BuildSettings = {}
  const settings: BuildSettings = {}
  for (const key of ['arch', 'baseImage', 'dockerfile', 'caCert'] as const) {
    const own = key === 'dockerfile' || key === 'caCert' ? (request[key] === undefined ? undefined : resolve(request[key])) : request[key]
    const value = own ?? last?.[key]
    if (value === undefined) continue
    settings[key] = value
    if (own === undefined) carried[key] = value
  }
  // The builder is no flag of limg run's: the last build's is carried, limg.json's otherwise.
  if (last?.builder !== undefined) {
    settings.builder = last.builder
    carried.builder = last.builder
  }
  return {settings, carried}
}
