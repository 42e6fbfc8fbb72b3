import {resolve} from 'node:path'
import type {BuildSettings} from '../build/last-build.js'
import {readLastBuild} from '../build/last-build.js'
import type {LogLine} from '../docker/streams.js'
import {InvalidInputError} from '../errors/index.js'
import {extraLabels} from '../run/labels.js'
import type {ImageBuilder} from '../run/project-image.js'
import {type ServeEvent, serveFunction} from '../run/serve.js'
import {type RunningFunction, startFunction} from '../run/start.js'
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
}

/** What `limg run` reports: starting, rebuilding, the settings it carried, and the function's log in the foreground. */
export type RunProgressEvent = ServeEvent | {type: 'carried'; settings: BuildSettings} | {type: 'log'; line: LogLine} | {type: 'serving'; running: RunningFunction}

/**
 * `limg run`: the project's function with the emulator. Detached, it returns once the
 * emulator answers; in the foreground it streams the log until Ctrl-C (InterruptedError),
 * restarting on changes with `watch`.
 */
export async function run(context: AppContext, request: RunRequest, onEvent: (event: RunProgressEvent) => void = () => {}): Promise<RunningFunction> {
  if (request.detach && request.watch) throw new InvalidInputError('--watch needs the foreground: it cannot be combined with --detach.', 'Drop one of the two flags.')
  const dir = resolve(request.dir)
  const {settings, carried} = buildSettings(request, (await readLastBuild(dir, context.env))?.settings)
  if (Object.keys(carried).length > 0) onEvent({type: 'carried', settings: carried})
  const project = await projectSettings(context, dir, {arch: settings.arch, baseImage: settings.baseImage, caCert: settings.caCert, timeout: request.timeout, memory: request.memory})
  const docker = await context.docker()
  const start = {
    dir: project.dir,
    config: project.config,
    build: request.build,
    builder: projectBuilder(context, settings),
    processEnv: context.env,
    onEvent,
    ...(request.port !== undefined ? {port: request.port} : {}),
    ...(request.env ? {env: request.env} : {}),
    ...(request.envFile ? {envFile: request.envFile} : {}),
    ...(request.rie ? {rie: request.rie} : {}),
    ...(context.signal ? {signal: context.signal} : {}),
  }
  if (request.detach) return startFunction(docker, start)
  return serveFunction(docker, {
    ...start,
    watch: request.watch,
    onLine: (line) => onEvent({type: 'log', line}),
    onReady: (running) => onEvent({type: 'serving', running}),
  })
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
