import {readFile} from 'node:fs/promises'
import {isAbsolute, join, resolve} from 'node:path'
import type {Readable} from 'node:stream'
import {projectImageTag} from '../config/image-tag.js'
import type {ProjectConfig} from '../config/schema.js'
import {resolveDockerfile} from '../dockerfile/index.js'
import {withoutCaEnvironment} from '../dockerfile/own-dockerfile.js'
import {EngineApiError} from '../docker/engine-http.js'
import type {ImageClient, ImageInfo} from '../docker/images.js'
import {BuildFailedError, EngineUnavailableError, InterruptedError, InvalidInputError} from '../errors/index.js'
import {type InjectedFile, packContext} from '../context/pack.js'
import {proxyBuildArgs} from './build-args.js'
import {startBuild} from './build-start.js'
import {checkArchitecture, checkHandlerFile, checkSize, handlerContextFiles} from './checks.js'
import type {BuildProgressEvent} from './events.js'
import {type BuildSettings, readLastBuild, recordLastBuild} from './last-build.js'
import {checkBaseRuntime, checkHandlerStyle} from './preflight.js'
import {throwIfAborted} from '../util/abort.js'

/** Where limg puts what it adds to the context; at the root, so no empty folder is left in the image. */
export const INJECTED_DOCKERFILE = '.limg-build.Dockerfile'
export const INJECTED_CA_CERT = '.limg-build-ca.pem'
/** The install's registry settings (.npmrc and the like), kept out of the image by the Dockerfile. */
export const INJECTED_INSTALL_CONFIG = '.limg-build-install'

export interface BuildRequest {
  projectDir: string
  /** limg.json after resolveConfig (flags and LIMG_* applied). */
  config: ProjectConfig
  /** `--tag`: replaces the default `<name>:<arch>`. */
  tag?: string
  noCache?: boolean
  dockerfilePath?: string
  /** Labels added to limg's own (limg, limg.project, limg.runtime, limg.arch). */
  extraLabels?: Record<string, string>
  /** The flags this build was given, remembered so `limg run` rebuilds the same way. */
  settings?: BuildSettings
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  onEvent?: (event: BuildProgressEvent) => void
  now?: () => number
}

export interface BuildResult {
  image: string
  imageId: string
  architecture: string
  sizeBytes: number
  durationMs: number
  steps: number
  cachedSteps: number
  runtime: string
  baseImage: string
  dockerfile: 'template' | 'project'
  /** How dependencies installed, e.g. `npm (package-lock.json)`; undefined for a project Dockerfile. */
  install?: string
  /** Secrets the deny list kept out of the context (folders end in /). */
  keptOut: string[]
  warnings: string[]
}

/**
 * Builds a project's Lambda image: the Dockerfile (the project's own, or rendered), the
 * context streamed with `.dockerignore`, the base image present for the platform, the
 * engine's build, then the checks Lambda would otherwise fail on later (architecture,
 * handler file, size).
 */
export async function buildProject(engine: ImageClient, request: BuildRequest): Promise<BuildResult> {
  const {config} = request
  const {now, started, env, emit, projectDir, runtime, arch, warnings} = await startBuild(request)

  const caCert = await readCaCert(config.caCert ?? nonEmpty(env.NODE_EXTRA_CA_CERTS), projectDir)
  const dockerfile = await resolveDockerfile(projectDir, config, {
    ...(request.dockerfilePath === undefined ? {} : {dockerfilePath: request.dockerfilePath}),
    ...(caCert ? {caCertContextPath: INJECTED_CA_CERT} : {}),
    installConfigContextDir: INJECTED_INSTALL_CONFIG,
  })
  warnings.push(...dockerfile.notes)
  await checkHandlerStyle(projectDir, config)
  const usesBaseArg = dockerfile.source === 'template' || dockerfile.declaresBaseImageArg
  const tag = request.tag ?? projectImageTag(config.name, config.arch)
  const labels = {...request.extraLabels, limg: 'true', 'limg.project': config.name, 'limg.runtime': runtime.id, 'limg.arch': arch.id}
  emit({
    type: 'context',
    dockerfile: dockerfile.source,
    baseImage: dockerfile.baseImage,
    platform: arch.platform,
    tags: [tag],
    ...(dockerfile.install ? {install: dockerfile.install.description} : {}),
    replacedBases: dockerfile.replacedBases,
  })

  let baseArch: string | undefined
  if (usesBaseArg || dockerfile.replacedBases.length > 0) {
    const base = await ensureBaseImage(engine, dockerfile.baseImage, arch.platform, config, emit, request.signal)
    checkBaseRuntime(dockerfile.baseImage, base, runtime.id, arch.id)
    baseArch = base.architecture
  }
  if (usesBaseArg && baseArch !== arch.dockerArch) {
    throw new BuildFailedError(
      `The base image ${dockerfile.baseImage} is ${baseArch}, but the build is for ${arch.id} (${arch.dockerArch}).`,
      `Use a base image for ${arch.id} with --base-image, or build one with \`limg base build --runtime ${runtime.id} --arch ${arch.id}\`.`,
    )
  }

  const inject: InjectedFile[] = [{path: INJECTED_DOCKERFILE, content: withLabels(dockerfile.text, labels)}]
  if (caCert) inject.push({path: INJECTED_CA_CERT, content: caCert})
  for (const file of dockerfile.install?.configFiles ?? []) {
    inject.push({path: `${INJECTED_INSTALL_CONFIG}/${file}`, content: await readFile(join(projectDir, file))})
  }
  const context = packContext(projectDir, {
    inject,
    engineDrops: [INJECTED_DOCKERFILE],
    ...(dockerfile.copiesContext ? {watch: handlerContextFiles(config.handler, config.template)} : {}),
  })
  const lastBuild = readLastBuild(projectDir, env)
  const buildArgs = {...proxyBuildArgs(env), ...(usesBaseArg ? dockerfile.buildArgs : {})}
  // Built untagged: the tag moves to the new image only once it has passed the checks below,
  // so a failed build leaves the previous good image under the tag (or none).
  const stream = await withStreamErrors(context.stream, engine.build(
    context.stream,
    {
      tags: [],
      platform: arch.platform,
      dockerfile: INJECTED_DOCKERFILE,
      buildArgs,
      noCache: request.noCache ?? false,
      describeInstruction: withoutCaEnvironment,
      ...(request.signal ? {signal: request.signal} : {}),
    },
    (event) => emit({type: 'engine', event}),
  ))
  emit({type: 'context-sent', ...context.stats})
  emit({type: 'secrets', keptOut: context.secrets.keptOut, reincluded: context.secrets.reincluded, installConfig: dockerfile.install?.configFiles ?? []})

  emit({type: 'checking', image: tag})
  const image = await engine.inspect(stream.imageId)
  if (!image) throw new BuildFailedError(`The engine reported image ${stream.imageId}, but it cannot be found.`, 'Run the build again.')
  const baseImage = usesBaseArg ? dockerfile.baseImage : firstFrom(dockerfile.text) ?? dockerfile.baseImage
  try {
    if (!usesBaseArg && image.architecture !== arch.dockerArch) baseArch = (await engine.inspect(baseImage))?.architecture
    checkArchitecture(image, arch.id, baseImage, baseArch)
    checkSize(image)
    const handlerWarning = await checkHandlerFile(engine, image, config.template, dockerfile.source, {...request.extraLabels, 'limg.project': config.name}, {
      ...(dockerfile.copiesContext ? {packed: context.packed} : {}),
      checkedBefore: (await lastBuild)?.imageId === image.id,
    })
    if (handlerWarning) warnings.push(handlerWarning)
    throwIfAborted(request.signal)
  } catch (error) {
    // Nothing names the refused image; it goes, its layers stay cached for the next build.
    if (!image.repoTags.length && !(error instanceof EngineUnavailableError)) await engine.remove(image.id, {keepParents: true}).catch(() => {})
    throw error
  }
  await engine.tag(image.id, ...splitTag(tag))
  await recordLastBuild(projectDir, {image: tag, imageId: image.id, startedAt: started, settings: request.settings ?? {}}, env)

  return {
    image: tag,
    imageId: image.id,
    architecture: arch.id,
    sizeBytes: image.sizeBytes,
    durationMs: now() - started,
    steps: stream.steps,
    cachedSteps: stream.cachedSteps,
    runtime: runtime.id,
    baseImage,
    dockerfile: dockerfile.source,
    ...(dockerfile.install ? {install: dockerfile.install.description} : {}),
    keptOut: context.secrets.keptOut,
    warnings,
  }
}

/** `repo:tag` as the engine's tag call takes it: the tag follows the last colon after the last slash. */
export function splitTag(ref: string): [string, string] {
  const slash = ref.lastIndexOf('/')
  const colon = ref.lastIndexOf(':')
  return colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest']
}


async function ensureBaseImage(
  engine: ImageClient,
  ref: string,
  platform: string,
  config: ProjectConfig,
  emit: (event: BuildProgressEvent) => void,
  signal: AbortSignal | undefined,
): Promise<ImageInfo> {
  const present = await engine.inspect(ref)
  if (present) return present
  try {
    await engine.pull(ref, platform, (progress) => emit({type: 'base-pull', image: ref, progress}), signal)
  } catch (error) {
    if (error instanceof InterruptedError || error instanceof EngineUnavailableError) throw error
    throw new BuildFailedError(
      `The base image ${ref} is not on the engine and cannot be pulled: ${(error as Error).message}`,
      `Pass a base image you can reach with --base-image, or build an offline one: \`limg base build --runtime ${config.runtime} --arch ${config.arch}\`, then \`limg build --base-image <its image>\`.`,
      {cause: error},
    )
  }
  const pulled = await engine.inspect(ref)
  if (!pulled) throw new BuildFailedError(`The base image ${ref} was pulled but cannot be found.`, 'Run the build again.')
  return pulled
}

async function readCaCert(path: string | undefined, projectDir: string): Promise<Buffer | undefined> {
  if (!path) return undefined
  const file = isAbsolute(path) ? path : resolve(projectDir, path)
  try {
    return await readFile(file)
  } catch (error) {
    throw new InvalidInputError(`The CA certificate ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Pass a PEM file with --ca-cert, or unset caCert / NODE_EXTRA_CA_CERTS.', {cause: error})
  }
}

/** A context that fails to read (a file vanished, permission denied) must fail the build, not hang it. */
function withStreamErrors<T>(stream: Readable, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const onError = (error: Error): void =>
      reject(new BuildFailedError(`The build context could not be read: ${error.message}`, 'Check the files in the project folder, or exclude them in .dockerignore.', {cause: error}))
    stream.once('error', onError)
    work
      .then(resolvePromise, (error: unknown) => reject(refusedBuild(error)))
      .finally(() => stream.off('error', onError))
  })
}

/** The engine refusing to start a build (a Dockerfile it cannot parse, a platform it lacks) is the build failing, in the engine's words. */
function refusedBuild(error: unknown): unknown {
  if (!(error instanceof EngineApiError)) return error
  return new BuildFailedError(`The Docker engine refused the build: ${error.message}`, 'Fix the Dockerfile or the build settings it names, then build again.', {cause: error})
}

/**
 * The labels as one LABEL instruction at the end of the Dockerfile. The engine's `labels`
 * option does the same, but as one build step (one container commit) per label, which
 * costs most of a second on every build whose code changed.
 */
export function withLabels(dockerfile: string, labels: Record<string, string>): string {
  const quote = (text: string): string => JSON.stringify(text).replace(/\$/g, '\\$')
  const pairs = Object.entries(labels).map(([key, value]) => `${quote(key)}=${quote(value)}`)
  return `${dockerfile.trimEnd()}\nLABEL ${pairs.join(' ')}\n`
}

/** The image a project's Dockerfile starts from, for messages; undefined when it is a build argument. */
function firstFrom(dockerfile: string): string | undefined {
  const ref = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/im.exec(dockerfile)?.[1]
  return ref && !ref.includes('$') ? ref : undefined
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined
}
