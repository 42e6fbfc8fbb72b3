import {resolve} from 'node:path'
import {buildProjectLocked} from '../build/build-lock.js'
import type {BuildResult} from '../build/build.js'
import type {BuildProgressEvent} from '../build/events.js'
import type {BuildSettings} from '../build/last-build.js'
import {checkRegion} from '../aws/region.js'
import {validateRepository} from '../config/schema.js'
import type {DirectBuildResult} from '../direct/build.js'
import {InvalidInputError} from '../errors/index.js'
import {extraLabels} from '../run/labels.js'
import {type AppContext, projectSettings} from './context.js'
import {repositorySettings} from './push.js'

export interface BuildRequest {
  dir: string
  arch?: string
  baseImage?: string
  /** Paths as typed: relative ones are taken from where limg runs. */
  caCert?: string
  dockerfile?: string
  tag?: string
  noCache?: boolean
  /** `engine` or `direct` (default: limg.json's `builder`, else LIMG_BUILDER, else engine). */
  builder?: string
  /** Direct builder only: push to ECR instead of loading into the engine. */
  push?: {repository?: string; region?: string; profile?: string; createRepository: boolean; maxImages?: number}
  /** Direct builder only: write an OCI layout archive (a path as typed). */
  output?: string
}

export type AnyBuildResult = (BuildResult & {builder: 'engine'}) | DirectBuildResult

/** `limg build`: the project's image through the engine (one build of a tag at a time), or made directly. */
export async function build(context: AppContext, request: BuildRequest, onEvent?: (event: BuildProgressEvent) => void): Promise<AnyBuildResult> {
  if (request.push?.region !== undefined) checkRegion(request.push.region, '--region')
  const settings: BuildSettings = {
    ...(request.arch === undefined ? {} : {arch: request.arch}),
    ...(request.baseImage === undefined ? {} : {baseImage: request.baseImage}),
    ...(request.dockerfile === undefined ? {} : {dockerfile: resolve(request.dockerfile)}),
    ...(request.caCert === undefined ? {} : {caCert: resolve(request.caCert)}),
    ...(request.builder === undefined ? {} : {builder: request.builder}),
  }
  // The engine's connection and ping start beside reading the project, unless --builder
  // direct says no engine is wanted; a failure is reported only if the engine is used.
  const engine = request.builder === 'direct' ? undefined : context.docker()
  engine?.catch(() => {})
  const project = await projectSettings(context, request.dir, settings)
  if ((project.config.builder ?? 'engine') === 'direct') return buildDirectly(context, project, request, settings, onEvent)
  if (request.push || request.output !== undefined) {
    throw new InvalidInputError(`${request.push ? '--push' : '--output'} is for the direct builder.`, 'Add `--builder direct`, or push an engine-built image with `limg push`.')
  }
  const docker = await (engine ?? context.docker())
  const result = await buildProjectLocked(docker, {
    projectDir: project.dir,
    config: project.config,
    ...(request.tag === undefined ? {} : {tag: request.tag}),
    ...(settings.dockerfile === undefined ? {} : {dockerfilePath: settings.dockerfile}),
    noCache: request.noCache ?? false,
    extraLabels: extraLabels(context.env),
    settings,
    env: context.env,
    ...(context.signal ? {signal: context.signal} : {}),
    ...(onEvent ? {onEvent} : {}),
  }, {onWait: ({pid, tag}) => onEvent?.({type: 'waiting', tag, ...(pid === undefined ? {} : {pid})})})
  return {...result, builder: 'engine'}
}

async function buildDirectly(
  context: AppContext,
  project: Awaited<ReturnType<typeof projectSettings>>,
  request: BuildRequest,
  settings: BuildSettings,
  onEvent?: (event: BuildProgressEvent) => void,
): Promise<DirectBuildResult> {
  if (request.dockerfile !== undefined) throw new InvalidInputError('--dockerfile is for the engine builder: the direct builder runs no Dockerfile.', 'Drop --dockerfile, or build with `--builder engine`.')
  // Loaded on demand: the engine path and other commands never load the direct builder's modules.
  const {buildDirect} = await import('../direct/build.js')
  const aws = {...(request.push?.profile ? {profile: request.push.profile} : {}), ...(request.push?.region ? {region: request.push.region} : {})}
  const push = request.push
    ? {
        ecr: await context.ecr(aws),
        repository: validateRepository(request.push.repository ?? project.config.ecr.repository),
        settings: repositorySettings(project.config, request.push.maxImages),
        createRepository: request.push.createRepository,
      }
    : undefined
  return buildDirect({
    projectDir: project.dir,
    config: project.config,
    ...(request.tag === undefined ? {} : {tag: request.tag}),
    extraLabels: extraLabels(context.env),
    settings,
    ...(push ? {push} : {}),
    ...(request.output === undefined ? {} : {output: resolve(request.output)}),
    images: async () => (await context.docker()).images,
    ecrFor: (region) => context.ecr({...aws, region}),
    env: context.env,
    ...(context.signal ? {signal: context.signal} : {}),
    ...(onEvent ? {onEvent} : {}),
  })
}
