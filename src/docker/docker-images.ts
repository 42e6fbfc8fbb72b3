import type {Readable} from 'node:stream'
import {type BuildEvent, BuildStreamParser, type BuildStreamResult} from './build-stream.js'
import {type EngineHttp, engineStatus} from './engine-http.js'
import type {BuildImageOptions, ImageClient, ImageInfo, PullProgress} from './images.js'
import {LineSplitter} from './line-splitter.js'
import {type LayerEvent, PushStreamParser, type PushStreamResult, type RegistryAuth, registryAuthHeader} from './push-stream.js'
import {followResponse} from './streams.js'

/** What the engine answers to GET /images/{name}/json, the part limg reads. */
interface InspectAnswer {
  Id: string
  Architecture: string
  Os: string
  Size: number
  Created: string
  RepoTags?: string[] | null
  RepoDigests?: string[] | null
  Config?: {
    Labels?: Record<string, string> | null
    Cmd?: string[] | null
    Entrypoint?: string[] | null
    Env?: string[] | null
    WorkingDir?: string
  } | null
}

/** The {@link ImageClient} over the Engine API; made by connectDocker, never handed out. Image names go into paths as they are, as the engine's routes expect. */
export class DockerImages implements ImageClient {
  constructor(private readonly engine: EngineHttp) {}

  async build(context: Readable, options: BuildImageOptions, onEvent?: (event: BuildEvent) => void): Promise<BuildStreamResult> {
    const response = await this.engine.stream({
      method: 'POST',
      path: '/build',
      query: {
        t: options.tags ?? [],
        platform: options.platform,
        dockerfile: options.dockerfile ?? 'Dockerfile',
        buildargs: JSON.stringify(options.buildArgs ?? {}),
        labels: JSON.stringify(options.labels ?? {}),
        nocache: options.noCache ?? false,
        // Intermediate containers of failed steps would pile up otherwise.
        forcerm: true,
        rm: true,
      },
      headers: {'Content-Type': 'application/x-tar'},
      body: context,
      ...(options.signal ? {signal: options.signal} : {}),
    })
    const parser = new BuildStreamParser(onEvent, Date.now, options.describeInstruction)
    await followResponse(response, this.engine.target, (chunk) => parser.write(chunk), options.signal)
    return parser.end()
  }

  async inspect(ref: string): Promise<ImageInfo | undefined> {
    let info: InspectAnswer
    try {
      info = await this.engine.call<InspectAnswer>({method: 'GET', path: `/images/${ref}/json`})
    } catch (error) {
      if (engineStatus(error) === 404) return undefined
      throw error
    }
    const config = info.Config ?? {}
    return {
      id: info.Id,
      architecture: info.Architecture,
      os: info.Os,
      sizeBytes: info.Size,
      labels: config.Labels ?? {},
      cmd: config.Cmd ?? [],
      entrypoint: config.Entrypoint ?? [],
      env: config.Env ?? [],
      workingDir: config.WorkingDir ?? '',
      repoTags: (info.RepoTags ?? []).map(shortName),
      repoDigests: info.RepoDigests ?? [],
      created: info.Created,
    }
  }

  async pull(ref: string, platform: string, onProgress?: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    const response = await this.engine.stream({method: 'POST', path: '/images/create', query: {fromImage: ref, platform}, ...(signal ? {signal} : {})})
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
    await followResponse(response, this.engine.target, (chunk) => lines.write(chunk), signal)
    lines.end()
    if (failure) throw new Error(failure)
  }

  async load(archive: Readable, signal?: AbortSignal): Promise<string[]> {
    const response = await this.engine.stream({
      method: 'POST',
      path: '/images/load',
      query: {quiet: true},
      headers: {'Content-Type': 'application/x-tar'},
      body: archive,
      ...(signal ? {signal} : {}),
    })
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
    await followResponse(response, this.engine.target, (chunk) => lines.write(chunk), signal)
    lines.end()
    if (failure) throw new Error(failure)
    return loaded
  }

  async tag(ref: string, repo: string, tag: string): Promise<void> {
    await this.engine.call({method: 'POST', path: `/images/${ref}/tag`, query: {repo, tag}})
  }

  async untag(ref: string): Promise<void> {
    await this.remove(ref, {keepParents: true})
  }

  async remove(ref: string, options: {force?: boolean; keepParents?: boolean} = {}): Promise<void> {
    try {
      await this.engine.call({method: 'DELETE', path: `/images/${ref}`, query: {force: options.force ?? false, noprune: options.keepParents ?? false}})
    } catch (error) {
      if (engineStatus(error) === 404) return
      throw error
    }
  }

  async push(repo: string, tag: string, auth: RegistryAuth, onEvent?: (event: LayerEvent) => void, signal?: AbortSignal): Promise<PushStreamResult> {
    const response = await this.engine.stream({
      method: 'POST',
      path: `/images/${repo}/push`,
      query: {tag},
      headers: {'X-Registry-Auth': registryAuthHeader(auth)},
      ...(signal ? {signal} : {}),
    })
    const parser = new PushStreamParser(onEvent)
    await followResponse(response, this.engine.target, (chunk) => parser.write(chunk), signal)
    return parser.end()
  }

  async existingPaths(image: string, paths: string[], labels: Record<string, string> = {}): Promise<string[]> {
    // An explicit command: an image with neither CMD nor ENTRYPOINT cannot be created otherwise.
    const {Id: id} = await this.engine.call<{Id: string}>({
      method: 'POST',
      path: '/containers/create',
      json: {Image: image, Cmd: ['/limg-path-check'], Labels: {limg: 'true', ...labels}, NetworkDisabled: true},
    })
    try {
      const found = await Promise.all(
        paths.map(async (path) => {
          try {
            // HEAD answers whether the path exists (with its stat in a header) without sending the archive.
            await this.engine.call({method: 'HEAD', path: `/containers/${id}/archive`, query: {path}})
            return path
          } catch (error) {
            if (engineStatus(error) === 404) return undefined
            throw error
          }
        }),
      )
      return found.filter((path): path is string => path !== undefined)
    } finally {
      await this.engine.call({method: 'DELETE', path: `/containers/${id}`, query: {force: true}}).catch(() => {})
    }
  }
}

/**
 * A name as Docker shows it: Podman spells out the default registry (`docker.io/library/fn:x86_64`,
 * `docker.io/limg-offline/nodejs:22-x86_64`) where Docker says `fn:x86_64`.
 */
export function shortName(ref: string): string {
  return ref.replace(/^docker\.io\/library\/(?=[^/]+$)/, '').replace(/^docker\.io\//, '')
}
