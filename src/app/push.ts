import {resolve} from 'node:path'
import type {Architecture} from '../catalog/runtimes.js'
import {loadProjectConfig} from '../config/load.js'
import {resolveArch} from '../config/resolve.js'
import {LIMITS, type ProjectConfig, validateInteger, validateRepository} from '../config/schema.js'
import type {RepositorySettings} from '../ecr/ecr-api.js'
import {checkRegion} from '../aws/region.js'
import {InvalidInputError} from '../errors/index.js'
import type {PushEvent} from '../push/events.js'
import {type PushResult, pushToEcr} from '../push/push-to-ecr.js'
import {projectImageTag} from '../config/image-tag.js'
import type {AppContext} from './context.js'

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
}

/** `limg push`: settings from limg.json, environment and flags; the engine and ECR from the context. */
export async function push(context: AppContext, request: PushRequest, onEvent?: (event: PushEvent) => void): Promise<PushResult> {
  // A malformed --region is refused before the engine or AWS is asked anything.
  if (request.region !== undefined) checkRegion(request.region, '--region')
  const dir = resolve(request.dir)
  const project = await projectOrNothing(context, dir, request)
  const arch: Architecture = resolveArch(request.arch, context.env, project?.arch)
  const repository = validateRepository(request.repository ?? project?.ecr.repository ?? '')
  const settings = repositorySettings(project, request.maxImages)
  const image = request.image ?? projectImageTag(project?.name ?? '', arch)
  // The engine's ping and the AWS SDK's load do not wait for each other; an engine that does
  // not answer is still the failure reported first.
  const ecrClient = context.ecr({...(request.profile ? {profile: request.profile} : {}), ...(request.region ? {region: request.region} : {})})
  ecrClient.catch(() => {})
  const docker = await context.docker()
  const ecr = await ecrClient
  return pushToEcr(
    {
      image,
      imageExplicit: request.image !== undefined,
      arch,
      repository,
      settings,
      createRepository: request.createRepository,
      ...(request.tag ? {tag: request.tag} : {}),
      ...(context.signal ? {signal: context.signal} : {}),
      ...(onEvent ? {onEvent} : {}),
    },
    {images: docker.images, ecr},
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
async function projectOrNothing(context: AppContext, dir: string, request: PushRequest): Promise<ProjectConfig | undefined> {
  try {
    return await loadProjectConfig(dir, {onWarning: context.warn})
  } catch (error) {
    const missing = error instanceof InvalidInputError && /^No limg\.json/.test(error.message)
    if (missing && request.image && request.repository) return undefined
    throw error
  }
}
