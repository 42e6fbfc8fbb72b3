import type {IncomingMessage} from 'node:http'
import type {Readable} from 'node:stream'
import type Docker from 'dockerode'
import {InterruptedError} from '../errors/index.js'
import {type BuildEvent, BuildStreamParser, type BuildStreamResult} from './build-stream.js'
import {asEngineError, connectionFromEnv, type EngineConnection} from './connection.js'
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

  async ping(): Promise<void> {
    await this.call(() => this.docker.ping())
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
  return new DockerEngine(new Dockerode(connection.options), connection.target)
}

/** The engine named by DOCKER_HOST (or the local socket), checked to answer. */
export async function createEngine(env: NodeJS.ProcessEnv = process.env): Promise<DockerEngine> {
  const engine = await connectEngine(connectionFromEnv(env))
  await engine.ping()
  return engine
}
