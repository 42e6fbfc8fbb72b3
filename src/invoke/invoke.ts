import type {ContainerClient, ContainerInfo} from '../docker/containers.js'
import type {LogLine} from '../docker/streams.js'
import {LOOPBACK, type EmulatorAddress} from '../run/emulator.js'
import {containerOnPort, emulatorAddress, endpointHost, projectContainer, runningContainers} from '../run/find.js'
import {throwIfAborted} from '../util/abort.js'
import {sleep} from '../util/sleep.js'
import {LABEL} from '../run/labels.js'
import {engineStoppedAnswering, isEngineGone, whyStopped} from '../run/stopped.js'
import {waitUntilReady} from '../run/wait-ready.js'
import {postInvocation} from './http.js'
import {type LockOptions, tryInvokeLock} from './lock.js'
import {reportedRequest, startedRequest} from './log-lines.js'
import {classifyReply, type Outcome} from './outcome.js'
import type {StreamSink} from './streamed.js'
import {inTurn} from './turns.js'

export interface InvokeRequest {
  dir: string
  event: Buffer
  /** Talk to this port instead of finding the project's container by label. */
  port?: number
  /** How long to wait for a container that is still starting. */
  readyTimeoutMs?: number
  /** How long to wait, after the answer, for the REPORT line that closes the invocation's logs. */
  reportWaitMs?: number
  signal?: AbortSignal
  lock?: LockOptions
  /** Hears a streamed response as it arrives (a handler wrapped with awslambda.streamifyResponse). */
  sink?: StreamSink
}

export interface InvokeResult {
  statusCode: number | null
  functionError: 'Unhandled' | null
  payload: unknown
  durationMs: number
  requestId: string | null
  outcome: Outcome
  /** Why the emulator failed, when the container says: it exited, or ran out of memory. */
  diagnosis?: string
  /** The function streamed its response: it went to the sink as it came. */
  streamed?: true
}

export interface InvokeReport {
  result: InvokeResult
  /** The answer as the emulator sent it, for printing unchanged. */
  body: string
  /** The function's log lines for this invocation, START to REPORT. */
  logs: LogLine[]
  container?: string
}

/**
 * Sends one event to the project's running function and reports how it ended, with the
 * log lines it wrote. Invocations of one container take turns, in this process (a queue)
 * and across processes (a lock file).
 */
export async function invokeFunction(engine: ContainerClient, request: InvokeRequest): Promise<InvokeReport> {
  const instances = request.port === undefined ? await runningContainers(engine, request.dir) : undefined
  if (instances && instances.length > 1) return invokeFreeInstance(engine, instances, request)
  const {container, host, port} = await resolveTarget(engine, request, instances)
  const target: EmulatorAddress = {host, port}
  // A port no container of limg's publishes gets a short wait: nothing is starting there that limg knows of.
  await waitUntilReady(engine, target, {timeoutMs: request.readyTimeoutMs ?? (container ? 30_000 : 5_000), ...(container ? {container} : {}), ...(request.signal ? {signal: request.signal} : {})})
  return inTurn(invokeKey(container, port), {...request.lock, ...(request.signal ? {signal: request.signal} : {})}, () => invokeNow(engine, container, target, request))
}

/** What invocations of one function take turns on: its container, else the port. */
export function invokeKey(container: string | undefined, port: number): string {
  return container ?? `port-${port}`
}

/**
 * With `--concurrency N`, the invocation goes to an instance no one is invoking, as Lambda
 * picks a free execution environment: each instance's lock is tried without waiting, and when
 * all are held, tried again shortly after, until one is free.
 */
async function invokeFreeInstance(engine: ContainerClient, instances: ContainerInfo[], request: InvokeRequest): Promise<InvokeReport> {
  const lock = {...request.lock, ...(request.signal ? {signal: request.signal} : {})}
  for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
    for (const info of instances) {
      const release = await tryInvokeLock(invokeKey(info.id, 0), lock)
      if (!release) continue
      try {
        const target = emulatorAddress(info)
        await waitUntilReady(engine, target, {timeoutMs: request.readyTimeoutMs ?? 30_000, container: info.id, ...(request.signal ? {signal: request.signal} : {})})
        return await invokeNow(engine, info.id, target, request)
      } finally {
        await release()
      }
    }
    throwIfAborted(request.signal)
    await sleep(pause, request.signal)
  }
}

/** The container to invoke and where its emulator is: the host its endpoint label names (127.0.0.1 on a local engine). */
async function resolveTarget(engine: ContainerClient, request: InvokeRequest, running?: ContainerInfo[]): Promise<{container?: string; host: string; port: number}> {
  if (request.port !== undefined) {
    const info = await containerOnPort(engine, request.port)
    return {port: request.port, host: endpointHost(info?.labels[LABEL.endpoint]) ?? LOOPBACK, ...(info ? {container: info.id} : {})}
  }
  const info = await projectContainer(engine, request.dir, running)
  return {container: info.id, ...emulatorAddress(info)}
}

async function invokeNow(engine: ContainerClient, container: string | undefined, target: EmulatorAddress, request: InvokeRequest): Promise<InvokeReport> {
  const logs = container ? followInvocationLogs(engine, container, request.signal) : undefined
  const started = performance.now()
  const reply = await postInvocation(target, request.event, request.signal, request.sink)
  const durationMs = Math.round((performance.now() - started) * 100) / 100
  const lines = logs ? await logs.finish(request.reportWaitMs ?? 2000) : {lines: [], requestId: null}
  const classified = classifyReply(reply)
  const diagnosis = classified.outcome === 'emulator-failure' && container ? await diagnose(engine, container) : undefined
  return {
    result: {...classified, durationMs, requestId: lines.requestId, ...(diagnosis ? {diagnosis} : {}), ...('streamed' in reply && reply.streamed ? {streamed: true as const} : {})},
    body: 'body' in reply ? reply.body : '',
    logs: lines.lines,
    ...(container ? {container} : {}),
  }
}

/**
 * Starts reading the container's log from now, before the event is sent, so no line of
 * the invocation is missed; `finish` waits for its REPORT line (bounded) and stops. The
 * event does not wait for the log's answer to start: Podman answers a followed log only
 * with its first new line, which the invocation itself writes. `since` keeps every line of
 * the invocation in the answer whenever it starts.
 */
function followInvocationLogs(engine: ContainerClient, container: string, signal?: AbortSignal) {
  const lines: LogLine[] = []
  let requestId: string | null = null
  let reported = false
  let wake: (() => void) | undefined
  const closing = new AbortController()
  const opened = engine.logs(container, {follow: true, since: Date.now() / 1000, signal: closing.signal}, (line) => {
    if (reported) return
    if (!requestId) requestId = startedRequest(line.text) ?? null
    lines.push(line)
    if (requestId && reportedRequest(line.text) === requestId) {
      reported = true
      wake?.()
    }
  })
  // The invocation's own outcome is the error to report; a log that cannot be read is no lines.
  const reader = opened.catch(() => undefined)
  // The log ending (the container stopped, the engine went) ends the wait, also before it began.
  let ended = false
  void reader.then((r) => (r ? r.done : undefined)).then(() => {
    ended = true
    wake?.()
  })
  const stopOnAbort = (): void => void reader.then((r) => r?.stop())
  signal?.addEventListener('abort', stopOnAbort, {once: true})
  return {
    async finish(waitMs: number): Promise<{lines: LogLine[]; requestId: string | null}> {
      if (!reported && !ended) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
      signal?.removeEventListener('abort', stopOnAbort)
      closing.abort()
      void reader.then((r) => r?.stop())
      return {lines, requestId}
    },
  }
}

/** An emulator that fails usually means its container died, or the engine went: say how, and what to do. */
async function diagnose(engine: ContainerClient, container: string): Promise<string | undefined> {
  let info: Awaited<ReturnType<ContainerClient['inspect']>>
  try {
    info = await engine.inspect(container)
  } catch (error) {
    if (!isEngineGone(error)) return undefined
    const gone = engineStoppedAnswering(engine.target, 'during the invocation')
    return `${gone.message} ${gone.suggestion}`
  }
  if (!info) return 'The container is gone. Start it again with `limg run`.'
  if (info.running) return undefined
  const reason = await whyStopped(engine, info)
  return `${reason.message} ${reason.suggestion}`
}
