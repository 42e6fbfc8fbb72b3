import {readLastBuild} from '../build/last-build.js'
import {projectImageTag} from '../config/image-tag.js'
import type {ProjectConfig} from '../config/schema.js'
import type {ImageClient, ImageInfo} from '../docker/images.js'
import {LocalRunError} from '../errors/index.js'
import {newestSourceMtime} from './sources.js'

/** What `limg run` asks of `limg build`: build the project's image, say which it is. */
export type ImageBuilder = (request: {dir: string; config: ProjectConfig; signal?: AbortSignal}) => Promise<{image: string}>


export interface ImageFreshness {
  stale: boolean
  reason?: 'missing' | 'sources-changed'
}

/**
 * Whether the image predates the project's files. A fully cached build returns the old
 * image with its old Created time, so the time limg's last build of it started counts too.
 */
export async function imageFreshness(dir: string, image: ImageInfo | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ImageFreshness> {
  if (!image) return {stale: true, reason: 'missing'}
  const last = await readLastBuild(dir, env)
  const builtAt = Math.max(Date.parse(image.created) || 0, last?.imageId === image.id ? last.startedAt : 0)
  return builtAt >= (await newestSourceMtime(dir)) ? {stale: false} : {stale: true, reason: 'sources-changed'}
}

export interface ProjectImageRequest {
  dir: string
  config: ProjectConfig
  /** False for `--no-build`: use the image as it is. */
  build: boolean
  builder: ImageBuilder
  signal?: AbortSignal
  onBuild?: (reason: 'missing' | 'sources-changed') => void
  env?: NodeJS.ProcessEnv
}

/** The project's image, built first when it is missing or older than the sources. */
export async function projectImage(images: ImageClient, request: ProjectImageRequest): Promise<ImageInfo> {
  const env = request.env ?? process.env
  const ref = projectImageTag(request.config.name, request.config.arch)
  const existing = await images.inspect(ref)
  if (!request.build) {
    if (existing) return existing
    throw new LocalRunError(`There is no image ${ref} to run.`, 'Build it with `limg build`, or run without --no-build.')
  }
  const freshness = await imageFreshness(request.dir, existing, env)
  if (existing && !freshness.stale) return existing
  request.onBuild?.(freshness.reason ?? 'missing')
  const built = await request.builder({dir: request.dir, config: request.config, ...(request.signal ? {signal: request.signal} : {})})
  const image = await images.inspect(built.image)
  if (!image) throw new LocalRunError(`The build reported ${built.image}, but the engine has no such image.`, 'Run `limg build` and check its output.')
  return image
}
