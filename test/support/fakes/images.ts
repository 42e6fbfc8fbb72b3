import type {Readable} from 'node:stream'
import {extract} from 'tar-stream'
import type {BuildEvent, BuildStreamResult} from '../../../src/docker/build-stream.js'
import type {BuildImageOptions, ImageClient, ImageInfo, PullProgress} from '../../../src/docker/images.js'
import type {LayerEvent, PushStreamResult, RegistryAuth} from '../../../src/docker/push-stream.js'

/** One entry of a build context, as the fake engine read it. */
export interface TarEntry {
  name: string
  type: string
  mode: number
  uid: number
  gid: number
  linkname?: string
  content?: string
}

/** An image with every field filled: `over` changes what a test cares about. */
export function imageInfo(over: Partial<ImageInfo> = {}): ImageInfo {
  return {
    id: 'sha256:img', architecture: 'amd64', os: 'linux', sizeBytes: 1000, labels: {}, cmd: ['index.handler'], entrypoint: [], env: [],
    workingDir: '/var/task', repoTags: [], repoDigests: [], created: new Date(0).toISOString(), ...over,
  }
}

/**
 * The engine's images, faked for unit tests: it reads the build contexts it is sent, keeps
 * images by id and the names that point at them, and records every call. Tests change its
 * public fields to make it answer as a case needs.
 */
export class FakeImages implements ImageClient {
  /** Images by id. */
  readonly images = new Map<string, ImageInfo>()
  /** Names (`repo:tag`) and the image id each points at. */
  readonly names = new Map<string, string>()
  readonly builds: Array<{options: BuildImageOptions; entries: TarEntry[]; files: Map<string, string>}> = []
  readonly pulls: string[] = []
  readonly tagged: Array<[string, string, string]> = []
  readonly untagged: string[] = []
  readonly removed: Array<{ref: string; keepParents?: boolean}> = []
  readonly pushes: Array<{repo: string; tag: string; auth: RegistryAuth}> = []
  /** What the next build makes; its architecture defaults to the build's platform. */
  nextBuild: Partial<ImageInfo> | undefined
  /** Builds then answer with this id (a fully cached build returns an existing image). */
  buildId: string | undefined
  /** Paths `existingPaths` says exist, in any image. */
  paths: string[] = []
  /** How many times `existingPaths` was asked. */
  pathChecks = 0
  pullFails = false
  /** Thrown by the next pushes, in order. */
  pushFailures: Error[] = []
  pushResult: PushStreamResult = {digest: `sha256:${'0'.repeat(64)}`, layers: {pushed: 1, existing: 0}, bytesUploaded: 3}

  /** Adds an image under its id and the given names. */
  add(info: ImageInfo, ...names: string[]): ImageInfo {
    this.images.set(info.id, info)
    for (const name of names) this.names.set(name, info.id)
    return info
  }

  async build(context: Readable, options: BuildImageOptions, onEvent?: (event: BuildEvent) => void): Promise<BuildStreamResult> {
    const entries = await readTar(context)
    const files = new Map(entries.filter((e) => e.content !== undefined).map((e) => [e.name, e.content as string]))
    this.builds.push({options, entries, files})
    onEvent?.({type: 'step', index: 1, total: 1, instruction: 'FROM scratch'})
    const id = this.buildId ?? `sha256:${String(this.builds.length).padStart(64, '0')}`
    const built = imageInfo({
      id,
      architecture: options.platform.split('/')[1] ?? 'amd64',
      labels: {...options.labels},
      entrypoint: ['/lambda-entrypoint.sh'],
      cmd: [],
      ...this.nextBuild,
    })
    this.add({...built, id: this.nextBuild?.id ?? id}, ...options.tags)
    return {imageId: this.nextBuild?.id ?? id, steps: 5, cachedSteps: 2}
  }

  async inspect(ref: string): Promise<ImageInfo | undefined> {
    const id = this.names.get(ref) ?? ref
    const info = this.images.get(id)
    if (!info) return undefined
    const repoTags = [...this.names].filter(([, named]) => named === id).map(([name]) => name)
    return {...info, repoTags: [...new Set([...info.repoTags, ...repoTags])]}
  }

  async pull(ref: string, _platform: string, _onProgress?: (progress: PullProgress) => void): Promise<void> {
    this.pulls.push(ref)
    if (this.pullFails) throw new Error('pull access denied')
    this.add(imageInfo({id: `sha256:${ref}`}), ref)
  }

  async load(_archive: Readable): Promise<string[]> {
    throw new Error('FakeImages does not load archives.')
  }

  async tag(ref: string, repo: string, tag: string): Promise<void> {
    this.tagged.push([ref, repo, tag])
    this.names.set(`${repo}:${tag}`, this.names.get(ref) ?? ref)
  }

  async untag(ref: string): Promise<void> {
    this.untagged.push(ref)
    this.names.delete(ref)
  }

  async remove(ref: string, options: {force?: boolean; keepParents?: boolean} = {}): Promise<void> {
    this.removed.push({ref, ...(options.keepParents === undefined ? {} : {keepParents: options.keepParents})})
    this.images.delete(this.names.get(ref) ?? ref)
    this.names.delete(ref)
  }

  async push(repo: string, tag: string, auth: RegistryAuth, _onEvent?: (event: LayerEvent) => void): Promise<PushStreamResult> {
    this.pushes.push({repo, tag, auth})
    const failure = this.pushFailures.shift()
    if (failure) throw failure
    return this.pushResult
  }

  async existingPaths(_image: string, paths: string[]): Promise<string[]> {
    this.pathChecks += 1
    return paths.filter((p) => this.paths.includes(p))
  }
}

/** Reads a tar stream into its entries (contents as text, for small files). */
export async function readTar(stream: Readable): Promise<TarEntry[]> {
  const tar = extract()
  const entries: TarEntry[] = []
  const done = (async () => {
    for await (const entry of tar) {
      const chunks: Buffer[] = []
      for await (const chunk of entry) chunks.push(chunk as Buffer)
      const {name, type, mode, uid, gid, linkname} = entry.header
      entries.push({name, type: type ?? 'file', mode: mode ?? 0, uid: uid ?? 0, gid: gid ?? 0, ...(linkname ? {linkname} : {}), ...(type === 'file' ? {content: Buffer.concat(chunks).toString('utf8')} : {})})
    }
  })()
  stream.on('error', (error) => tar.destroy(error))
  stream.pipe(tar as unknown as NodeJS.WritableStream)
  await done
  return entries
}
