import type {Readable} from 'node:stream'
import type {BuildEvent, BuildStreamResult} from './build-stream.js'
import type {LayerEvent, PushStreamResult, RegistryAuth} from './push-stream.js'

export interface BuildImageOptions {
  /** Every tag the result gets, `name:tag`; none leaves it untagged (the caller tags it once it has passed its checks). */
  tags: string[]
  /** `linux/amd64` or `linux/arm64`. */
  platform: string
  /** Path of the Dockerfile inside the context. */
  dockerfile?: string
  buildArgs?: Record<string, string>
  labels?: Record<string, string>
  noCache?: boolean
  signal?: AbortSignal
  /** How a step's instruction is shown in events and errors (the caller may have added to the Dockerfile). */
  describeInstruction?: (instruction: string) => string
}

export interface ImageInfo {
  id: string
  /** The image config's architecture: `amd64`, `arm64`. */
  architecture: string
  os: string
  sizeBytes: number
  labels: Record<string, string>
  cmd: string[]
  entrypoint: string[]
  env: string[]
  workingDir: string
  repoTags: string[]
  repoDigests: string[]
  created: string
}

export interface PullProgress {
  id?: string
  status: string
  progress?: string
}

/** The image half of the Docker seam: what builds, base images and pushes ask of the engine. */
export interface ImageClient {
  /** Streams a tar context to the engine's build; resolves with the image or throws BuildFailedError. */
  build(context: Readable, options: BuildImageOptions, onEvent?: (event: BuildEvent) => void): Promise<BuildStreamResult>
  /** The image's metadata, or undefined when there is no such image. */
  inspect(ref: string): Promise<ImageInfo | undefined>
  /** Pulls `ref` for `platform`, reporting progress; throws when it cannot be pulled. */
  pull(ref: string, platform: string, onProgress?: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void>
  /**
   * Loads an image archive (the `manifest.json` format of `docker save`, which names its
   * tags) into the engine, as `docker load` does; resolves with the names it loaded.
   */
  load(archive: Readable, signal?: AbortSignal): Promise<string[]>
  /** Gives `ref` the name `repo:tag`. */
  tag(ref: string, repo: string, tag: string): Promise<void>
  /** Takes the name `ref` (`repo:tag`) off its image, which keeps its other names; gone already is not an error. */
  untag(ref: string): Promise<void>
  /** Removes an image; `keepParents` keeps its untagged parent layers (the build cache). Gone already is not an error. */
  remove(ref: string, options?: {force?: boolean; keepParents?: boolean}): Promise<void>
  /**
   * Pushes `repo:tag` with `auth` for this request only (X-Registry-Auth): nothing reaches the
   * engine's or the user's credential store. The stream's end is not success: see PushStreamParser.
   */
  push(repo: string, tag: string, auth: RegistryAuth, onEvent?: (event: LayerEvent) => void, signal?: AbortSignal): Promise<PushStreamResult>
  /**
   * Which of `paths` (absolute, inside the image) exist, found without running anything: a
   * container is created but never started, its archive paths are looked up, and it is
   * removed. Works the same against a remote engine.
   */
  existingPaths(image: string, paths: string[], labels?: Record<string, string>): Promise<string[]>
}
