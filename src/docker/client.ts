import type Docker from 'dockerode'
import {abortReason} from '../util/abort.js'
import {asEngineError, connectionFromEnv, describeStatus, type EngineConnection, engineTimeoutError, notAnEngine} from './connection.js'
import type {ContainerClient} from './containers.js'
import {DockerContainers} from './docker-containers.js'
import {DockerImages} from './docker-images.js'
import type {ImageClient} from './images.js'

/**
 * The one Docker client: the engine's images and containers, each behind an interface with
 * a fake for unit tests. dockerode stays inside src/docker; nothing else reaches it.
 */
export interface DockerClient {
  /** Where the engine is, for messages: `unix:///var/run/docker.sock`, `tcp://host:2376`. */
  readonly target: string
  readonly images: ImageClient
  readonly containers: ContainerClient
  /** Checks that a Docker engine answers at the target; `signal` (Ctrl-C) ends the wait. */
  ping(signal?: AbortSignal): Promise<void>
}

class EngineClient implements DockerClient {
  readonly images: ImageClient
  readonly containers: ContainerClient

  constructor(
    private readonly docker: Docker,
    readonly target: string,
  ) {
    this.images = new DockerImages(docker, target)
    this.containers = new DockerContainers(docker, target)
  }

  /** An HTTP answer other than the engine's `OK` is something else listening there. */
  async ping(signal?: AbortSignal): Promise<void> {
    let answer: unknown
    try {
      answer = await (this.docker.ping as (options: {abortSignal?: AbortSignal}) => Promise<unknown>).call(this.docker, signal ? {abortSignal: signal} : {})
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal)
      const statusCode = (error as {statusCode?: number}).statusCode
      // dockerode puts the whole answer (an HTML page) in its message; the status says enough.
      if (statusCode !== undefined && statusCode !== 500) throw notAnEngine(this.target, describeStatus(statusCode), error)
      throw asEngineError(error, this.target)
    }
    const text = Buffer.isBuffer(answer) ? answer.toString('utf8') : String(answer)
    if (text.trim() !== 'OK') throw notAnEngine(this.target, `${describeStatus(200)}, but not the engine's "OK" to a ping`)
  }
}

/** The client for the engine `connection` names, not yet checked to answer. */
export async function connectDocker(connection: EngineConnection = connectionFromEnv()): Promise<DockerClient> {
  // Loaded on first use: dockerode pulls in gRPC, protobuf and ssh2 at import time, about a
  // fifth of a second that commands which never reach the engine should not pay.
  const {default: DockerodeClient} = await import('dockerode')
  const docker = new DockerodeClient(connection.options)
  if (connection.timeoutMs !== undefined) boundPlainCalls(docker, connection.timeoutMs, connection.target)
  return new EngineClient(docker, connection.target)
}

/** The engine named by DOCKER_HOST (or the local socket), checked to answer; `signal` (Ctrl-C) stops the wait. */
export async function openDocker(env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<DockerClient> {
  const docker = await connectDocker(connectionFromEnv(env))
  await docker.ping(signal)
  return docker
}

interface ModemDial {
  dial(options: {isStream?: boolean; hijack?: boolean; abortSignal?: AbortSignal}, callback: (error: unknown, data?: unknown) => void): void
}

/**
 * Bounds every request that answers in one piece (the ping, inspect, create, start, stop,
 * remove, list...) by `timeoutMs`, so an address that accepts connections and never answers
 * fails with a message instead of hanging. Streams (builds, pulls, pushes, followed logs,
 * archives) are left unbounded: a build step may be silent for minutes, and they start only
 * after a ping has answered. docker-modem's own `timeout` cannot tell the two apart (it is a
 * socket idle timeout on every request), so the bound is set here, request by request, the
 * one place the client is built.
 */
function boundPlainCalls(docker: Docker, timeoutMs: number, target: string): void {
  const modem = docker.modem as ModemDial
  const dial = modem.dial.bind(modem)
  modem.dial = (options, callback) => {
    if (options.isStream || options.hijack) return dial(options, callback)
    const timeout = AbortSignal.timeout(timeoutMs)
    const abortSignal = options.abortSignal ? AbortSignal.any([options.abortSignal, timeout]) : timeout
    dial({...options, abortSignal}, (error, data) => {
      if (error && timeout.aborted && !options.abortSignal?.aborted) callback(engineTimeoutError(target, timeoutMs))
      else callback(error, data)
    })
  }
}
