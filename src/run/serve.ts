import {type FSWatcher, watch} from 'node:fs'
import {relative} from 'node:path'
import type {DockerClient} from '../docker/client.js'
import {LimgError, LocalRunError} from '../errors/index.js'
import type {LogLine} from '../docker/streams.js'
import {streamLogs} from './logs.js'
import {type RunEvent, type RunningFunction, type StartRequest, startFunction} from './start.js'
import {projectImage} from './project-image.js'
import {startMoreInstances} from './instances.js'
import {engineStoppedAnswering, isEngineGone, whyStopped} from './stopped.js'
import {dockerIgnore, toPosix} from './sources.js'
import {abortReason} from '../util/abort.js'

/** What a foreground `limg run` reports beyond starting: restarts under `--watch`. */
export type ServeEvent =
  | RunEvent
  | {type: 'change'; files: string[]}
  | {type: 'restarted'; endpoint: string; durationMs: number}
  | {type: 'rebuild-failed'; message: string}

export interface ServeRequest extends Omit<StartRequest, 'onEvent'> {
  watch: boolean
  debounceMs?: number
  onEvent?: (event: ServeEvent) => void
  onLine: (line: LogLine) => void
  /** Called once the first container answers, with what `--detach` would return. */
  onReady?: (running: RunningFunction) => void
  /** Called with each container that starts answering: the first, each `watch` restart, the other instances. */
  onStarted?: (running: RunningFunction) => void
  /** How many warm instances (containers) to keep (`--concurrency`); `watch` needs one. */
  instances?: number
}

/**
 * Runs the function in the foreground: streams its log until Ctrl-C, then stops and removes
 * the container and throws InterruptedError. With `watch`, a change to the project's
 * (non-ignored) files rebuilds the image and swaps the container on the same port.
 */
export async function serveFunction(docker: Pick<DockerClient, 'images' | 'containers'>, request: ServeRequest): Promise<never> {
  const {images, containers} = docker
  const signal = request.signal
  const count = request.instances ?? 1
  let current = await startFunction(docker, {...request, onEvent: request.onEvent, ...(count > 1 ? {instance: 1} : {})})
  let others: RunningFunction[] = []
  try {
    others = count > 1 ? await startMoreInstances(docker, request, count) : []
  } catch (error) {
    await containers.stopAndRemove(current.container, 0).catch(() => undefined)
    throw error
  }
  request.onStarted?.(current)
  for (const other of others) request.onStarted?.(other)
  request.onReady?.(current)
  const port = current.port
  let watcher: FSWatcher | undefined
  let swapping: Promise<void> = Promise.resolve()
  const retired = new Set<string>()
  let exited: ((error: LimgError) => void) | undefined
  const ended = new Promise<never>((_, reject) => (exited = reject))
  // A stopped container ends its log stream; only an end nobody asked for is a failure. The
  // engine itself may be what stopped (a restart): that is said, and never an unhandled error.
  const follow = (running: RunningFunction): void => {
    const ended = async (): Promise<void> => {
      if (signal?.aborted || retired.has(running.container)) return
      let info: Awaited<ReturnType<DockerClient['containers']['inspect']>>
      try {
        info = await containers.inspect(running.container)
      } catch (error) {
        if (!isEngineGone(error)) throw error
        const gone = engineStoppedAnswering(containers.target, 'while the function ran')
        exited?.(new LocalRunError(gone.message, 'Once it answers again, start the function with `limg run`; `limg stop` removes what is left of it.', {cause: error}))
        return
      }
      if (info?.running || retired.has(running.container)) return
      const reason = info ? (await whyStopped(containers, info)).message : "The function's container is gone."
      await containers.stopAndRemove(running.container, 0).catch(() => undefined)
      exited?.(new LocalRunError(reason, 'See its last log lines above; start it again with `limg run`.'))
    }
    void streamLogs(containers, running.container, {follow: true, ...(signal ? {signal} : {})}, request.onLine)
      .then(ended, ended)
      .catch((error: unknown) => exited?.(error instanceof LimgError ? error : new LocalRunError(`Following the function failed: ${(error as Error).message}`, 'Start it again with `limg run`.', {cause: error})))
  }
  follow(current)
  for (const other of others) follow(other)
  try {
    const swap = async (files: string[]): Promise<void> => {
      if (signal?.aborted) return
      request.onEvent?.({type: 'change', files})
      const started = Date.now()
      const old = current
      try {
        // Build while the old container still serves; only the start itself is downtime.
        await projectImage(images, {dir: request.dir, config: request.config, build: true, builder: request.builder, ...(signal ? {signal} : {}), ...(request.processEnv ? {env: request.processEnv} : {})})
        retired.add(old.container)
        await containers.stopAndRemove(old.container, 1)
        // The same ports as before, the inspector's too: a debugger reattaches where it was.
        const inspect = current.inspector ? {inspect: {port: current.inspector.port, brk: current.inspector.brk}} : {}
        current = await startFunction(docker, {...request, port, build: false, onEvent: undefined, ...inspect})
        request.onStarted?.(current)
        follow(current)
        request.onEvent?.({type: 'restarted', endpoint: current.endpoint, durationMs: Date.now() - started})
      } catch (error) {
        if (signal?.aborted) return
        request.onEvent?.({type: 'rebuild-failed', message: error instanceof Error ? error.message : String(error)})
      }
    }
    if (request.watch) {
      const ignored = await dockerIgnore(request.dir)
      let pending = new Set<string>()
      let timer: NodeJS.Timeout | undefined
      watcher = watch(request.dir, {recursive: true}, (_event, file) => {
        const rel = file ? toPosix(typeof file === 'string' ? file : relative(request.dir, String(file))) : ''
        if (!rel || ignored.ignores(rel)) return
        pending.add(rel)
        clearTimeout(timer)
        timer = setTimeout(() => {
          const files = [...pending]
          pending = new Set()
          swapping = swapping.then(() => swap(files))
        }, request.debounceMs ?? 300)
      })
      signal?.addEventListener('abort', () => clearTimeout(timer), {once: true})
    }
    const interrupted = new Promise<never>((_, reject) => {
      const onAbort = (): void => reject(abortReason(signal))
      if (signal?.aborted) onAbort()
      signal?.addEventListener('abort', onAbort, {once: true})
    })
    return await Promise.race([interrupted, ended])
  } finally {
    watcher?.close()
    await swapping.catch(() => undefined)
    // An engine that is gone cannot remove them; the error already says `limg stop` will.
    await Promise.all([current, ...others].map((running) => containers.stopAndRemove(running.container, 0).catch((error: unknown) => {
      if (!isEngineGone(error)) throw error
    })))
  }
}
