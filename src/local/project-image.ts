import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {ProjectConfig} from '../config/schema.js'
import type {Engine, ImageInfo} from '../engine/engine.js'
import {LocalRunError} from '../errors/index.js'
import {cacheDir} from './cache-dir.js'
import {projectId} from './labels.js'
import {newestSourceMtime} from './sources.js'

/** What `limg run` asks of `limg build`: build the project's image, say which it is. */
export type ImageBuilder = (request: {dir: string; config: ProjectConfig; signal?: AbortSignal}) => Promise<{image: string}>

/** The tag `limg build` gives a project's image: `<lowercased name>:<arch>`. */
export function projectImageRef(config: Pick<ProjectConfig, 'name' | 'arch'>): string {
  return `${config.name.toLowerCase()}:${config.arch}`
}

/**
 * When limg last built or checked this project's image. A fully cached build returns the
 * old image with its old Created time; without this stamp that image would look stale forever.
 */
function stampFile(dir: string, env: NodeJS.ProcessEnv): string {
  return join(cacheDir(env), 'local', `${projectId(dir)}.json`)
}

async function stampedAt(dir: string, imageId: string, env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const stamp = JSON.parse(await readFile(stampFile(dir, env), 'utf8')) as {imageId?: string; builtAt?: number}
    return stamp.imageId === imageId && typeof stamp.builtAt === 'number' ? stamp.builtAt : 0
  } catch {
    return 0
  }
}

async function stamp(dir: string, imageId: string, builtAt: number, env: NodeJS.ProcessEnv): Promise<void> {
  await mkdir(join(cacheDir(env), 'local'), {recursive: true})
  await writeFile(stampFile(dir, env), JSON.stringify({imageId, builtAt}))
}

export interface ImageFreshness {
  stale: boolean
  reason?: 'missing' | 'sources-changed'
}

export async function imageFreshness(dir: string, image: ImageInfo | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ImageFreshness> {
  if (!image) return {stale: true, reason: 'missing'}
  const builtAt = Math.max(Date.parse(image.created) || 0, await stampedAt(dir, image.id, env))
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
export async function projectImage(engine: Engine, request: ProjectImageRequest): Promise<ImageInfo> {
  const env = request.env ?? process.env
  const ref = projectImageRef(request.config)
  const existing = await engine.inspectImage(ref)
  if (!request.build) {
    if (existing) return existing
    throw new LocalRunError(`There is no image ${ref} to run.`, 'Build it with `limg build`, or run without --no-build.')
  }
  const freshness = await imageFreshness(request.dir, existing, env)
  if (existing && !freshness.stale) return existing
  request.onBuild?.(freshness.reason ?? 'missing')
  const startedAt = Date.now()
  const built = await request.builder({dir: request.dir, config: request.config, ...(request.signal ? {signal: request.signal} : {})})
  const image = await engine.inspectImage(built.image)
  if (!image) throw new LocalRunError(`The build reported ${built.image}, but the engine has no such image.`, 'Run `limg build` and check its output.')
  await stamp(request.dir, image.id, startedAt, env)
  return image
}
