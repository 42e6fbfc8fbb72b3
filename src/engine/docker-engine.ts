import type {IncomingMessage} from 'node:http'
import type {Readable} from 'node:stream'
import type Docker from 'dockerode'
import {InterruptedError} from '../errors/index.js'
import {type BuildEvent, BuildStreamParser, type BuildStreamResult} from './build-stream.js'
import {asEngineError, connectionFromEnv, describeStatus, type EngineConnection, engineTimeoutError, notAnEngine} from './connection.js'
import type {BuildImageOptions, Engine, ImageInfo, PullProgress} from './engine.js'
import {LineSplitter} from './line-splitter.js'

/** The Docker Engine API through dockerode; build it with {@link createEngine}. */
export class DockerEngine implements Engine {
  readonly target: string
  /** The dockerode client, for seams that extend this one (containers, push). */
  readonly docker: Docker

  constructor(docker: Docker, target: string) {
    this.docker = docker
    this.target = target
  }

  /**
   * Checks that a Docker engine answers at the target: an HTTP answer other than the engine's
   * `OK` is something else listening there. `signal` (Ctrl-C) ends the wait at once.
   */
  async ping(signal?: AbortSignal): Promise<void> {
    let answer: unknown
    try {
      answer = await (this.docker.ping as (options: {abortSignal?: AbortSignal}) => Promise<unknown>).call(this.docker, signal ? {abortSignal: signal} : {})
    } catch (error) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new InterruptedError()
      const statusCode = (error as {statusCode?: number}).statusCode
      // dockerode puts the whole answer (an HTML page) in its message; the status says enough.
      if (statusCode !== undefined && statusCode !== 500) throw notAnEngine(this.target, describeStatus(statusCode), error)
      throw asEngineError(error, this.target)
    }
    const text = Buffer.isBuffer(answer) ? answer.toString('utf8') : String(answer)
    if (text.trim() !== 'OK') throw notAnEngine(this.target, `${describeStatus(200)}, but not the engine's "OK" to a ping`)
  }

  async buildImage(context: Readable, options: BuildImageOptions, onEvent?: (event: BuildEvent) => void): Promise<BuildStreamResult> {
    const response = (await this.call(() =>
      this.docker.buildImage(context, {
        t: options.tags as unknown as string,
        platform: options.platform,
        dockerfile: options.dockerfile ?? 'Dockerfile',
        buildargs: options.buildArgs ?? {},
        labels: options.labels ?? {},
        nocache: options.noCache ?? false,
        // Intermediate containers of failed steps would pile up otherwise.
        forcerm: true,
        rm: true,
      } as Docker.ImageBuildOptions),
    )) as IncomingMessage
    const parser = new BuildStreamParser(onEvent, Date.now, options.describeInstruction)
    await this.follow(response, (chunk) => parser.write(chunk), options.signal)
    return parser.end()
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    try {
      const info = await this.docker.getImage(ref).inspect()
      const config = info.Config ?? ({} as Docker.ImageInspectInfo['Config'])
      return {
        id: info.Id,
        architecture: info.Architecture,
        os: info.Os,
        sizeBytes: info.Size,
        labels: config.Labels ?? {},
        cmd: config.Cmd ?? [],
        entrypoint: (config.Entrypoint as string[] | null | undefined) ?? [],
        env: config.Env ?? [],
        workingDir: config.WorkingDir ?? '',
        repoTags: info.RepoTags ?? [],
        repoDigests: info.RepoDigests ?? [],
        created: info.Created,
      }
    } catch (error) {
      if ((error as {statusCode?: number}).statusCode === 404) return undefined
      throw asEngineError(error, this.target)
    }
  }

  async pullImage(ref: string, platform: string, onProgress?: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    const response = (await this.call(() => this.docker.pull(ref, {platform}))) as IncomingMessage
    let failure: string | undefined
    const lines = new LineSplitter((line) => {
      const message = JSON.parse(line) as {status?: string; id?: string; progress?: string; error?: string; errorDetail?: {message?: string}}
      if (message.error || message.errorDetail) failure ??= message.errorDetail?.message ?? message.error
      else if (message.status) onProgress?.({status: message.status, ...(message.id ? {id: message.id} : {}), ...(message.progress ? {progress: message.progress} : {})})
    })
    await this.follow(response, (chunk) => lines.write(chunk), signal)
    lines.end()
    if (failure) throw new Error(failure)
  }

  async tagImage(ref: string, repo: string, tag: string): Promise<void> {
    await this.call(() => this.docker.getImage(ref).tag({repo, tag}))
  }

  async existingPaths(image: string, paths: string[], labels: Record<string, string> = {}): Promise<string[]> {
    const container = await this.call(() =>
      // An explicit command: an image with neither CMD nor ENTRYPOINT cannot be created otherwise.
      this.docker.createContainer({Image: image, Cmd: ['/limg-path-check'], Labels: {limg: 'true', ...labels}, NetworkDisabled: true}),
    )
    try {
      const found: string[] = []
      for (const path of paths) {
        try {
          // GET rather than HEAD: dockerode leaves a HEAD's socket open, which keeps the process alive.
          // The archive of one handler file is small, and the response is dropped unread.
          const archive = (await container.getArchive({path})) as unknown as IncomingMessage
          archive.destroy()
          found.push(path)
        } catch (error) {
          if ((error as {statusCode?: number}).statusCode !== 404) throw asEngineError(error, this.target)
        }
      }
      return found
    } finally {
      await container.remove({force: true}).catch(() => {})
    }
  }

  async removeImage(ref: string, options: {force?: boolean; keepParents?: boolean} = {}): Promise<void> {
    try {
      await this.docker.getImage(ref).remove({force: options.force ?? false, noprune: options.keepParents ?? false})
    } catch (error) {
      if ((error as {statusCode?: number}).statusCode === 404) return
      throw asEngineError(error, this.target)
    }
  }

  /** Runs an API call, turning socket failures into EngineUnavailableError. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw asEngineError(error, this.target)
    }
  }

  /** Reads a streaming response to its end; Ctrl-C destroys it, which cancels the work in the engine. */
  private follow(response: IncomingMessage, onChunk: (chunk: Buffer) => void, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const abort = (): void => {
        response.destroy()
        reject(signal?.reason instanceof Error ? signal.reason : new InterruptedError())
      }
      if (signal?.aborted) return abort()
      signal?.addEventListener('abort', abort, {once: true})
      response.on('data', (chunk: Buffer) => {
        try {
          onChunk(chunk)
        } catch (error) {
          response.destroy()
          reject(error)
        }
      })
      response.on('end', () => {
        signal?.removeEventListener('abort', abort)
        resolve()
      })
      response.on('error', (error) => {
        signal?.removeEventListener('abort', abort)
        reject(asEngineError(error, this.target))
      })
    })
  }
}

/** The engine named by DOCKER_HOST (or the local socket), not yet checked to answer. */
export async function connectEngine(connection: EngineConnection = connectionFromEnv()): Promise<DockerEngine> {
  // Loaded on first use: dockerode pulls in gRPC, protobuf and ssh2 at import time, about a
  // fifth of a second that commands which never reach the engine should not pay.
  const {default: Dockerode} = await import('dockerode')
  const docker = new Dockerode(connection.options)
  if (connection.timeoutMs !== undefined) boundPlainCalls(docker, connection.timeoutMs, connection.target)
  return new DockerEngine(docker, connection.target)
}

/** The engine named by DOCKER_HOST (or the local socket), checked to answer; `signal` (Ctrl-C) stops the wait. */
export async function createEngine(env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<DockerEngine> {
  const engine = await connectEngine(connectionFromEnv(env))
  await engine.ping(signal)
  return engine
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
