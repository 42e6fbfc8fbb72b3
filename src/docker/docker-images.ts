import type {IncomingMessage} from 'node:http'
import type {Readable} from 'node:stream'
import type Docker from 'dockerode'
import {asEngineError} from './connection.js'
import {type BuildEvent, BuildStreamParser, type BuildStreamResult} from './build-stream.js'
import type {BuildImageOptions, ImageClient, ImageInfo, PullProgress} from './images.js'
import {LineSplitter} from './line-splitter.js'
import {type LayerEvent, PushStreamParser, type PushStreamResult, type RegistryAuth} from './push-stream.js'
import {engineCall, followResponse} from './streams.js'

/** The {@link ImageClient} over dockerode; made by connectDocker, never handed out. */
export class DockerImages implements ImageClient {
  constructor(
    private readonly docker: Docker,
    private readonly target: string,
  ) {}

  async build(context: Readable, options: BuildImageOptions, onEvent?: (event: BuildEvent) => void): Promise<BuildStreamResult> {
    const response = (await engineCall(this.target, () =>
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
    await followResponse(response, this.target, (chunk) => parser.write(chunk), options.signal)
    return parser.end()
  }

  async inspect(ref: string): Promise<ImageInfo | undefined> {
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

  async pull(ref: string, platform: string, onProgress?: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    const response = (await engineCall(this.target, () => this.docker.pull(ref, {platform}))) as IncomingMessage
    let failure: string | undefined
    const lines = new LineSplitter((line) => {
      let message: {status?: string; id?: string; progress?: string; error?: string; errorDetail?: {message?: string}}
      try {
        message = JSON.parse(line) as typeof message
      } catch {
        // Proxies and old engines sometimes interleave plain text, as in the build stream.
        return
      }
      if (message.error || message.errorDetail) failure ??= message.errorDetail?.message ?? message.error
      else if (message.status) onProgress?.({status: message.status, ...(message.id ? {id: message.id} : {}), ...(message.progress ? {progress: message.progress} : {})})
    })
    await followResponse(response, this.target, (chunk) => lines.write(chunk), signal)
    lines.end()
    if (failure) throw new Error(failure)
  }

  async load(archive: Readable, signal?: AbortSignal): Promise<string[]> {
    const response = (await engineCall(this.target, () => this.docker.loadImage(archive, {quiet: true}))) as IncomingMessage
    const loaded: string[] = []
    let failure: string | undefined
    const lines = new LineSplitter((line) => {
      let message: {stream?: string; error?: string; errorDetail?: {message?: string}}
      try {
        message = JSON.parse(line) as typeof message
      } catch {
        return
      }
      // As with builds and pushes, the end of the stream is not success: an error line is a failure.
      if (message.error || message.errorDetail) failure ??= message.errorDetail?.message ?? message.error
      const name = /Loaded image(?: ID)?: (\S+)/.exec(message.stream ?? '')?.[1]
      if (name) loaded.push(name)
    })
    await followResponse(response, this.target, (chunk) => lines.write(chunk), signal)
    lines.end()
    if (failure) throw new Error(failure)
    return loaded
  }

  async tag(ref: string, repo: string, tag: string): Promise<void> {
    await engineCall(this.target, () => this.docker.getImage(ref).tag({repo, tag}))
  }

  async untag(ref: string): Promise<void> {
    await this.remove(ref, {keepParents: true})
  }

  async remove(ref: string, options: {force?: boolean; keepParents?: boolean} = {}): Promise<void> {
    try {
      await this.docker.getImage(ref).remove({force: options.force ?? false, noprune: options.keepParents ?? false})
    } catch (error) {
      if ((error as {statusCode?: number}).statusCode === 404) return
      throw asEngineError(error, this.target)
    }
  }

  async push(repo: string, tag: string, auth: RegistryAuth, onEvent?: (event: LayerEvent) => void, signal?: AbortSignal): Promise<PushStreamResult> {
    const response = (await engineCall(this.target, () =>
      this.docker.getImage(`${repo}:${tag}`).push({
        tag,
        authconfig: {username: auth.username, password: auth.password, serveraddress: auth.serverAddress},
      }),
    )) as IncomingMessage
    const parser = new PushStreamParser(onEvent)
    await followResponse(response, this.target, (chunk) => parser.write(chunk), signal)
    return parser.end()
  }

  async existingPaths(image: string, paths: string[], labels: Record<string, string> = {}): Promise<string[]> {
    const container = await engineCall(this.target, () =>
      // An explicit command: an image with neither CMD nor ENTRYPOINT cannot be created otherwise.
      this.docker.createContainer({Image: image, Cmd: ['/limg-path-check'], Labels: {limg: 'true', ...labels}, NetworkDisabled: true}),
    )
    try {
      const found: string[] = []
      for (const path of paths) {
        try {
          // GET rather than HEAD: dockerode leaves a HEAD's socket open, which keeps the process
          // alive. The archive of one file is small, and the answer is dropped unread.
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
}
