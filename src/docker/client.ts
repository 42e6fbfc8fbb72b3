import {abortReason} from '../util/abort.js'
import {asEngineError, connectionFromEnv, describeStatus, type EngineConnection, notAnEngine} from './connection.js'
import type {ContainerClient} from './containers.js'
import {DockerContainers} from './docker-containers.js'
import {DockerImages} from './docker-images.js'
import {EngineApiError, EngineHttp} from './engine-http.js'
import type {ImageClient} from './images.js'

/**
 * The one Docker client: the engine's images and containers, each behind an interface with
 * a fake for unit tests. The Engine API is reached only through src/docker; nothing else talks to it.
 */
export interface DockerClient {
  /** Where the engine is, for messages: `unix:///var/run/docker.sock`, `tcp://host:2376`. */
  readonly target: string
  readonly images: ImageClient
  readonly containers: ContainerClient
  /** Checks that a Docker engine answers at the target; `signal` (Ctrl-C) ends the wait. */
  ping(signal?: AbortSignal): Promise<void>
  /** Which engine answered the ping: Docker's, or Podman's Docker-compatible API (`Podman 4.3.1`). */
  readonly engineName?: string
  /** How the target was chosen, when limg chose it: `no Docker socket at /var/run/docker.sock`. */
  readonly found?: string
}

class EngineClient implements DockerClient {
  readonly images: ImageClient
  readonly containers: ContainerClient
  engineName: string | undefined

  constructor(
    private readonly engine: EngineHttp,
    readonly found?: string,
  ) {
    this.images = new DockerImages(engine)
    this.containers = new DockerContainers(engine)
  }

  get target(): string {
    return this.engine.target
  }

  /** An HTTP answer other than the engine's `OK` is something else listening there. */
  async ping(signal?: AbortSignal): Promise<void> {
    let answer: unknown
    try {
      answer = await this.engine.call({method: 'GET', path: '/_ping', onHeaders: (headers) => (this.engineName = engineName(headers)), ...(signal ? {signal} : {})})
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal)
      // The whole answer may be an HTML page; the status says enough.
      if (error instanceof EngineApiError && error.statusCode !== 500) throw notAnEngine(this.target, describeStatus(error.statusCode), error)
      throw asEngineError(error, this.target)
    }
    if (typeof answer !== 'string' || answer.trim() !== 'OK') throw notAnEngine(this.target, `${describeStatus(200)}, but not the engine's "OK" to a ping`)
  }
}

/** The client for the engine `connection` names, not yet checked to answer. */
export async function connectDocker(connection: EngineConnection = connectionFromEnv()): Promise<DockerClient> {
  return new EngineClient(new EngineHttp(connection.transport, connection.target, connection.timeoutMs), connection.found)
}

/** Podman's ping carries Libpod-Api-Version and `Server: Libpod/4.3.1 (linux)`; Docker's `Server: Docker/…`. */
function engineName(headers: Record<string, string | string[] | undefined>): string {
  const libpod = headers['libpod-api-version']
  if (libpod) return `Podman ${String(libpod)}`
  const docker = /^Docker\/(\S+)/.exec(String(headers.server ?? ''))?.[1]
  return docker ? `Docker ${docker}` : 'Docker'
}

/** The engine named by DOCKER_HOST (or the local socket), checked to answer; `signal` (Ctrl-C) stops the wait. */
export async function openDocker(env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<DockerClient> {
  const docker = await connectDocker(connectionFromEnv(env))
  await docker.ping(signal)
  return docker
}
