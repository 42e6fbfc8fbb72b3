import type {Readable} from 'node:stream'
import type {BuildEvent, BuildStreamResult} from './build-stream.js'

export interface BuildImageOptions {
  /** Every tag the result gets, `name:tag`. */
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

/**
 * The one seam over the Docker engine. Everything limg asks of Docker goes through here, so a
 * fake can stand in for it in unit tests and the real one is built in one place.
 */
export interface Engine {
  /** Where the engine is, for messages. */
  readonly target: string
  ping(): Promise<void>
  /** Streams a tar context to the engine's build; resolves with the image or throws BuildFailedError. */
  buildImage(context: Readable, options: BuildImageOptions, onEvent?: (event: BuildEvent) => void): Promise<BuildStreamResult>
  /** The image's metadata, or undefined when there is no such image. */
  inspectImage(ref: string): Promise<ImageInfo | undefined>
  /** Pulls `ref` for `platform`, reporting progress; throws when it cannot be pulled. */
  pullImage(ref: string, platform: string, onProgress?: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void>
  tagImage(ref: string, repo: string, tag: string): Promise<void>
  /**
   * Which of `paths` (absolute, inside the image) exist, found without running anything: a
   * container is created but never started, its archive paths are looked up, and it is
   * removed. Works the same against a remote engine.
   */
  existingPaths(image: string, paths: string[], labels?: Record<string, string>): Promise<string[]>
  /** Removes an image; `keepParents` keeps its untagged parent layers (the build cache). Gone already is not an error. */
  removeImage(ref: string, options?: {force?: boolean; keepParents?: boolean}): Promise<void>
}
