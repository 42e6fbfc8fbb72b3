import {resolve} from 'node:path'
import {type Architecture, getArchitecture} from '../catalog/runtimes.js'
import {loadProjectConfig} from '../config/load.js'
import {resolveConfig} from '../config/resolve.js'
import {LIMITS, type ProjectConfig, validateInteger, validateRepository} from '../config/schema.js'
import {createEngine} from '../engine/docker-engine.js'
import {enginePusher} from '../engine/push.js'
import {InvalidInputError} from '../errors/index.js'
import type {RepositorySettings} from '../registry/ecr-api.js'
import {checkRegion} from '../registry/region.js'
import type {PushEvent} from './events.js'
import {type PushResult, pushToEcr} from './push-to-ecr.js'
import {builtImageRef} from './source-image.js'

export interface PushRequest {
  dir: string
  image?: string
  arch?: string
  repository?: string
  tag?: string
  region?: string
  profile?: string
  createRepository: boolean
  maxImages?: number
  signal?: AbortSignal
  onEvent?: (event: PushEvent) => void
  /** Told about limg.json keys limg does not know. */
  onWarning?: (message: string) => void
  env?: NodeJS.ProcessEnv
}

/** `limg push`: settings from limg.json, environment and flags; the engine and ECR as configured. */
export async function runPush(request: PushRequest): Promise<PushResult> {
  const env = request.env ?? process.env
  // A malformed --region is refused before the engine or AWS is asked anything.
  if (request.region !== undefined) checkRegion(request.region, '--region')
  const project = await projectOrNothing(resolve(request.dir), request)
  const arch: Architecture = project ? resolveConfig(project, request.arch ? {arch: request.arch} : {}, env).arch : getArchitecture(request.arch ?? env.LIMG_ARCH ?? 'x86_64').id
  const repository = validateRepository(request.repository ?? project?.ecr.repository ?? '')
  const settings = repositorySettings(project, request.maxImages)
  const image = request.image ?? builtImageRef(project?.name ?? '', arch)
  const engine = await createEngine(env, request.signal)
  // The SDK is loaded here, not at start-up: it costs about 0.1 s that `limg push --help` should not pay.
  const {SdkEcrApi} = await import('../registry/sdk-ecr-api.js')
  const ecr = new SdkEcrApi({...(request.profile ? {profile: request.profile} : {}), ...(request.region ? {region: request.region} : {}), env})
  return pushToEcr(
    {
      image,
      imageExplicit: request.image !== undefined,
      arch,
      repository,
      settings,
      createRepository: request.createRepository,
      ...(request.tag ? {tag: request.tag} : {}),
      ...(request.signal ? {signal: request.signal} : {}),
      ...(request.onEvent ? {onEvent: request.onEvent} : {}),
    },
    {engine, pusher: enginePusher(engine), ecr},
  )
}

/** A repository limg creates gets limg.json's "ecr" settings, --max-images over its maxImages. */
export function repositorySettings(project: ProjectConfig | undefined, maxImages?: number): RepositorySettings {
  return {
    scanOnPush: project?.ecr.scanOnPush ?? true,
    imageTagMutability: project?.ecr.imageTagMutability ?? 'IMMUTABLE',
    maxImages: validateInteger('max-images', maxImages ?? project?.ecr.maxImages ?? 10, LIMITS.maxImages.min, LIMITS.maxImages.max),
  }
}

/** limg.json is optional when --image and --repository say everything it would. */
async function projectOrNothing(dir: string, request: PushRequest): Promise<ProjectConfig | undefined> {
  try {
    return await loadProjectConfig(dir, request.onWarning ? {onWarning: request.onWarning} : {})
  } catch (error) {
    const missing = error instanceof InvalidInputError && /^No limg\.json/.test(error.message)
    if (missing && request.image && request.repository) return undefined
    throw error
  }
}
