import {randomBytes} from 'node:crypto'
import {containerMemoryBytes} from './memory.js'
import type {ProjectConfig} from '../config/schema.js'
import type {DockerClient} from '../docker/client.js'
import type {ContainerClient} from '../docker/containers.js'
import {LocalRunError} from '../errors/index.js'
import {throwIfAborted} from '../util/abort.js'
import {carriesEmulator, emulatorImage} from './emulator-image.js'
import {functionEnvironment, readEnvFile, toDockerEnv} from './environment.js'
import {LABEL, extraLabels, projectId, projectLabels} from './labels.js'
import {type InspectRequest, type Inspector, INSPECTOR_PORT, inspectorEnvironment, inspectorInfo} from './inspector.js'
import {freeLoopbackPort, isPortInUse, portTaken} from './ports.js'
import {type ImageBuilder, projectImage} from './project-image.js'
import {EMULATOR_PORT, LOOPBACK, invokeUrl} from './emulator.js'
import type {ContainerHost} from './container-host.js'
import {waitUntilReady} from './wait-ready.js'

/** What `limg run` reports while it works; the command renders these. */
export type RunEvent =
  | {type: 'build'; reason: 'missing' | 'sources-changed'}
  | {type: 'emulator-image'; image: string}
  | {type: 'starting'; image: string; port: number}
  | {type: 'ready'; endpoint: string; durationMs: number}

export interface StartRequest {
  dir: string
  /** limg.json with flags applied (`--arch`, `--memory`, `--timeout`). */
  config: ProjectConfig
  port?: number
  envFile?: string
  env?: string[]
  build: boolean
  builder: ImageBuilder
  rie?: string
  readyTimeoutMs?: number
  /** The Node inspector in the function's runtime, published on this 127.0.0.1 port (0: a free one). */
  inspect?: InspectRequest
  /** Which warm instance this is, from 1, when `--concurrency` starts more than one. */
  instance?: number
  /** Where the ports are published and reached (a remote engine's host); the loopback by default. */
  containerHost?: ContainerHost
  signal?: AbortSignal
  onEvent?: (event: RunEvent) => void
  processEnv?: NodeJS.ProcessEnv
}

export interface RunningFunction {
  container: string
  name: string
  endpoint: string
  /** The address the emulator is reached at: 127.0.0.1, or a remote engine's host. */
  host: string
  port: number
  /** The image the container runs (the project's, or the thin one adding the emulator). */
  image: string
  inspector?: Inspector
  /** Which of the `--concurrency` instances it is, from 1 (absent with one instance). */
  instance?: number
}

/**
 * Starts the project's function with the emulator, published on the loopback only (on a
 * remote engine, on the address it is reached at: see containerHost), and
 * waits until the emulator answers. Whatever fails on the way, no container is left behind.
 */
export async function startFunction(docker: Pick<DockerClient, 'images' | 'containers'>, request: StartRequest): Promise<RunningFunction> {
  const {images, containers} = docker
  const processEnv = request.processEnv ?? process.env
  const started = Date.now()
  const where = request.containerHost ?? {connect: LOOPBACK, bind: LOOPBACK}
  const labels = extraLabels(processEnv)
  const envFile = request.envFile ? await readEnvFile(request.envFile, processEnv) : {}
  const environment = functionEnvironment({config: request.config, envFile, assignments: request.env ?? []}, processEnv)
  const inspectPort = request.inspect ? (request.inspect.port === 0 ? await freeLoopbackPort() : request.inspect.port) : undefined
  if (request.inspect) Object.assign(environment, inspectorEnvironment(environment, request.inspect.brk))
  const image = await projectImage(images, {
    dir: request.dir,
    config: request.config,
    build: request.build,
    builder: request.builder,
    env: processEnv,
    onBuild: (reason) => request.onEvent?.({type: 'build', reason}),
    ...(request.signal ? {signal: request.signal} : {}),
  })
  throwIfAborted(request.signal)
  let runImage = image.repoTags[0] ?? image.id
  if (!(await carriesEmulator(images, image))) {
    runImage = await emulatorImage(images, {image, arch: request.config.arch, labels, env: processEnv, ...(request.rie ? {rie: request.rie} : {}), ...(request.signal ? {signal: request.signal} : {})})
    request.onEvent?.({type: 'emulator-image', image: runImage})
  }
  // A port the engine picked could be learned only after the start; choosing it here lets
  // the endpoint label say where the function is. A lost race is retried with another port.
  for (let attempt = 0; ; attempt++) {
    const port = request.port ?? (await freeLoopbackPort())
    request.onEvent?.({type: 'starting', image: runImage, port})
    try {
      const running = await startContainer(containers, request, {image: runImage, where, port, environment, labels, ...(inspectPort === undefined ? {} : {inspectPort})})
      request.onEvent?.({type: 'ready', endpoint: running.endpoint, durationMs: Date.now() - started})
      return running
    } catch (error) {
      if (!isPortInUse(error)) throw error
      if (inspectPort !== undefined && (await portTaken(inspectPort))) {
        throw new LocalRunError(`Port ${inspectPort} on ${where.bind} is already in use, so the inspector cannot be published there.`, 'Choose another with --inspect PORT, or --inspect 0 for a free one.', {cause: error})
      }
      if (request.port !== undefined) {
        throw new LocalRunError(
          `Port ${request.port} on ${where.bind} is already in use.`,
          `Choose another with --port, or omit --port to let limg pick a free one.`,
          {cause: error},
        )
      }
      if (attempt >= 4) throw new LocalRunError('Could not find a free port for the function after 5 tries.', 'Pass one with --port.', {cause: error})
    }
  }
}

async function startContainer(
  containers: ContainerClient,
  request: StartRequest,
  what: {image: string; where: ContainerHost; port: number; environment: Record<string, string>; labels: Record<string, string>; inspectPort?: number},
): Promise<RunningFunction> {
  const endpoint = invokeUrl(what.port, what.where.connect)
  const instance = request.instance === undefined ? '' : `-${request.instance}`
  const name = `limg-${request.config.name.toLowerCase()}-${projectId(request.dir).slice(0, 8)}${instance}-${randomBytes(3).toString('hex')}`
  const id = await containers.create({
    name,
    image: what.image,
    env: toDockerEnv(what.environment),
    labels: {
      ...what.labels,
      ...projectLabels(request.dir),
      [LABEL.projectDir]: request.dir,
      [LABEL.endpoint]: endpoint,
      [LABEL.image]: what.image,
      [LABEL.role]: 'function',
      ...(request.instance === undefined ? {} : {[LABEL.instance]: String(request.instance)}),
    },
    memoryBytes: containerMemoryBytes(request.config.memory, request.config.arch),
    containerPort: EMULATOR_PORT,
    hostIp: what.where.bind,
    hostPort: what.port,
    ...(what.inspectPort === undefined ? {} : {extraPorts: [{containerPort: INSPECTOR_PORT, hostPort: what.inspectPort}]}),
  })
  try {
    await containers.start(id)
    await waitUntilReady(containers, {host: what.where.connect, port: what.port}, {
      container: id,
      timeoutMs: request.readyTimeoutMs ?? 60_000,
      ...(request.signal ? {signal: request.signal} : {}),
    })
  } catch (error) {
    await containers.stopAndRemove(id, 0)
    throw error
  }
  const inspector = what.inspectPort === undefined || !request.inspect ? undefined : inspectorInfo(what.inspectPort, request.inspect.brk, request.dir, what.where.connect)
  return {container: id, name, endpoint, host: what.where.connect, port: what.port, image: what.image, ...(inspector ? {inspector} : {}), ...(request.instance === undefined ? {} : {instance: request.instance})}
}
