import {createWriteStream} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {rename, rm, stat} from 'node:fs/promises'
import {join, posix, resolve} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {awsBaseImage} from '../catalog/runtimes.js'
import {type BuildResult, splitTag} from '../build/build.js'
import {startBuild} from '../build/build-start.js'
import {MAX_IMAGE_BYTES} from '../build/checks.js'
import type {BuildProgressEvent} from '../build/events.js'
import {type BuildSettings, recordLastBuild} from '../build/last-build.js'
import {checkBaseRuntime, checkHandlerStyle} from '../build/preflight.js'
import {projectImageTag} from '../config/image-tag.js'
import type {ProjectConfig} from '../config/schema.js'
import {DOCKERIGNORE, contextFilter} from '../context/pack.js'
import {locateHandler} from '../dockerfile/handler-file.js'
import {PROJECT_DOCKERFILE} from '../dockerfile/resolve.js'
import type {ImageClient} from '../docker/images.js'
import {TokenSource} from '../ecr/authorization.js'
import {ensureRepository} from '../ecr/repository.js'
import type {EcrApi, RepositorySettings} from '../ecr/ecr-api.js'
import {BuildFailedError, EngineUnavailableError, InvalidInputError} from '../errors/index.js'
import {functionLayout} from '../project/layout.js'
import {contentTag} from '../push/default-tag.js'
import type {PushResult} from '../push/push-to-ecr.js'
import {BlobCache} from '../registry/blob-cache.js'
import {throwIfAborted} from '../util/abort.js'
import {type ResolvedBase, ensureBaseLayer, resolveBase} from './base-image.js'
import {dependenciesLayer} from './deps-layer.js'
import {hostNpmVersion} from './host-install.js'
import {imageArchive} from './image-archive.js'
import {type AssembledImage, type BuiltLayer, assembleImage} from './image.js'
import {compileOnHost} from './host-compile.js'
import {type LayerBlob, treeEntries, writeLayer} from './layer.js'
import {pushAssembled} from './push-image.js'
import {registryOpener} from './registries.js'

export interface DirectPushTarget {
  ecr: EcrApi
  repository: string
  settings: RepositorySettings
  createRepository: boolean
}

export interface DirectBuildRequest {
  projectDir: string
  /** limg.json after resolveConfig (flags and LIMG_* applied). */
  config: ProjectConfig
  tag?: string
  extraLabels?: Record<string, string>
  settings?: BuildSettings
  /** Push to ECR instead of loading into the engine. */
  push?: DirectPushTarget
  /** Write an OCI layout archive here (absolute) instead of loading into the engine. */
  output?: string
  /** The engine, asked for only when the image is loaded into it. */
  images?: () => Promise<Pick<ImageClient, 'load' | 'inspect' | 'tag'>>
  /** ECR for a region, for base images in ECR (a private repository, a pull-through cache). */
  ecrFor?: (region: string) => Promise<EcrApi>
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  onEvent?: (event: BuildProgressEvent) => void
  now?: () => number
}

export type DirectBuildResult = Omit<BuildResult, 'dockerfile'> & {
  builder: 'direct'
  dockerfile: 'none'
  /** The image manifest's digest: the same input gives the same one. */
  digest: string
  mediaType: string
  /** The npm that installed the dependencies, e.g. `10.8.2`. */
  npmVersion?: string
  layers: {base: number; built: number; reused: number}
  loaded: boolean
  output?: string
  push?: PushResult
}

/**
 * `limg build --builder direct`: the image made without a Docker engine or emulation. The
 * base image's layers are read from its registry for the target architecture, production
 * dependencies are installed on this host for Lambda's platform (one layer, reused while the
 * lock file is unchanged), the code is one more layer (`.dockerignore` and the secret deny
 * list applied as on the engine path), and config and manifest are written in TypeScript:
 * the same input gives the same digest. The image is then pushed to ECR, written as an
 * archive, or loaded into the local engine.
 */
export async function buildDirect(request: DirectBuildRequest): Promise<DirectBuildResult> {
  const {config} = request
  const {now, started, env, emit, projectDir, runtime, arch, warnings} = await startBuild(request)
  await refuseUnsupported(projectDir, config)
  await checkHandlerStyle(projectDir, config)
  const layout = await functionLayout(projectDir, config)
  warnings.push(...layout.notes)
  const tag = request.tag ?? projectImageTag(config.name, config.arch)
  // Loading is the output when nothing else is asked for: an engine that does not answer is said before any work.
  const engine = !request.push && !request.output ? await connectEngine(request.images) : undefined
  const cache = new BlobCache(env)
  const npmVersion = layout.install ? await hostNpmVersion(env) : undefined

  // The push registry's token first: a base image in that same registry is read with it.
  const pushTokens = request.push ? new TokenSource(request.push.ecr) : undefined
  const region = request.push ? await request.push.ecr.region() : undefined
  const known = new Map<string, TokenSource>()
  if (pushTokens) known.set((await pushTokens.get()).registryHost, pushTokens)
  // The repository is looked up while the image is built (one ECR round trip less at the end); a
  // missing one is created only once there is an image to push.
  const target = request.push
  const described = target?.ecr.describeRepository(target.repository)
  described?.catch(() => {})
  const repository = target && described
    ? async () => {
        const found = await described
        return found ? {...found, created: false} : ensureRepository(target.ecr, target.repository, target.settings, {create: target.createRepository, region: region!})
      }
    : undefined
  const baseRef = config.baseImage ?? awsBaseImage(runtime, config.arch)
  emit({type: 'direct-step', message: `Reading ${baseRef} for linux/${arch.dockerArch} from its registry`})
  const open = registryOpener({known, env, ...(request.ecrFor ? {ecr: request.ecrFor} : {}), ...(request.signal ? {signal: request.signal} : {})})
  const base = await resolveBase(baseRef, arch, open, cache)
  if (base.config.architecture !== arch.dockerArch) {
    throw new BuildFailedError(`The base image ${baseRef} is ${base.config.architecture ?? 'of no architecture'}, but the build is for ${arch.id} (${arch.dockerArch}).`, `Use a base image for ${arch.id} with --base-image.`)
  }
  checkBaseRuntime(baseRef, {labels: base.config.config?.Labels ?? {}}, runtime.id, arch.id)
  const taskRoot = (base.config.config?.WorkingDir || '/var/task').replace(/^\/+/, '')
  throwIfAborted(request.signal)

  const built: BuiltLayer[] = []
  let reused = 0
  // The CA a TLS-intercepting proxy needs reaches the host's npm as it reaches the engine's install step.
  const installEnv = config.caCert ? {...env, NODE_EXTRA_CA_CERTS: resolve(projectDir, config.caCert)} : env
  if (layout.install) {
    emit({type: 'direct-step', message: `Installing production dependencies for linux/${arch.dockerArch} on this host (${layout.install.description})`})
    const deps = await dependenciesLayer(projectDir, layout.install, {runtime, arch, taskRoot, npmVersion: npmVersion!}, cache, installEnv, request.signal)
    emit({type: 'direct-step', message: `Dependencies layer ${deps.layer.digest.slice(7, 19)} (${mb(deps.layer.size)})`, cached: deps.cached})
    if (deps.cached) reused += 1
    warnings.push(...deps.warnings)
    built.push(deps.layer)
  }

  const skip = new Set([DOCKERIGNORE, ...(layout.install ? ['node_modules'] : [])])
  const filter = contextFilter(projectDir, skip)
  const root = {kind: 'directory' as const, to: taskRoot, mode: 0o755}
  let code: LayerBlob
  let entryCount: number
  if (layout.build && layout.install) {
    // TypeScript: compiled here as the engine's build stage would; the output folder and package.json are the code.
    emit({type: 'direct-step', message: `Compiling on this host (${layout.build.command})`})
    const sources = await treeEntries(projectDir, '', (absolute) => filter.ignore(absolute))
    const compiled = await compileOnHost(projectDir, sources, layout.install, layout.build, installEnv, request.signal)
    try {
      const ownPackage = join(compiled.outDir, 'package.json')
      const codeEntries = [root, ...(await treeEntries(compiled.outDir, taskRoot, (absolute) => absolute === ownPackage)), {kind: 'file' as const, from: join(projectDir, 'package.json'), to: posix.join(taskRoot, 'package.json'), mode: 0o644}]
      checkHandler(config, taskRoot, new Set(codeEntries.map((e) => e.to)))
      code = await writeLayer(codeEntries, cache)
      entryCount = codeEntries.length - 1
    } finally {
      await compiled.dispose()
    }
  } else {
    const codeEntries = [root, ...(await treeEntries(projectDir, taskRoot, (absolute) => filter.ignore(absolute)))]
    checkHandler(config, taskRoot, new Set(codeEntries.map((e) => e.to)))
    code = await writeLayer(codeEntries, cache)
    entryCount = codeEntries.length - 1
  }
  emit({type: 'direct-step', message: `Code layer ${code.digest.slice(7, 19)} (${entryCount} entries, ${mb(code.size)})`})
  emit({type: 'secrets', keptOut: filter.secrets.report.keptOut, reincluded: filter.secrets.report.reincluded, installConfig: layout.install?.configFiles ?? []})
  built.push({...code, createdBy: 'limg: the function code'})
  const uncompressed = built.reduce((sum, l) => sum + l.uncompressedSize, 0)
  if (uncompressed > MAX_IMAGE_BYTES) throw new BuildFailedError(`limg's layers alone are ${(uncompressed / 1024 ** 3).toFixed(2)} GB; Lambda accepts container images up to 10 GB uncompressed.`, 'Keep large files out with .dockerignore.')

  const labels = {...request.extraLabels, limg: 'true', 'limg.project': config.name, 'limg.runtime': runtime.id, 'limg.arch': arch.id}
  const image = assembleImage(base, built, config.handler, labels)
  throwIfAborted(request.signal)

  let push: PushResult | undefined
  let output: string | undefined
  let loaded = false
  if (request.push) {
    emit({type: 'direct-step', message: `Pushing to ECR repository ${request.push.repository}`})
    push = await pushAssembled(
      image,
      {arch: arch.id, repository: request.push.repository, settings: request.push.settings, createRepository: request.push.createRepository, tag: contentTag(arch.id, image.configDigest), region: region!, onStep: (message) => emit({type: 'direct-step', message}), ...(request.signal ? {signal: request.signal} : {})},
      {ecr: request.push.ecr, tokens: pushTokens!, base, cache, ...(repository ? {repository} : {})},
    )
    warnings.push(...push.warnings)
  }
  if (request.output) {
    emit({type: 'direct-step', message: `Writing ${request.output}`})
    output = await writeArchive(image, tag, base, cache, request.output)
  }
  if (engine) {
    const images = engine
    if (await images.inspect(image.configDigest)) {
      // The engine holds this very image (an image id is its config digest): only the name moves.
      emit({type: 'direct-step', message: `The Docker engine has this image already; tagging it ${tag}`})
      await images.tag(image.configDigest, ...splitTag(tag))
    } else {
      emit({type: 'direct-step', message: `Loading ${tag} into the Docker engine`})
      for (const layer of base.layers) await ensureBaseLayer(base, layer, cache)
      await images.load(imageArchive(image, tag, (digest) => cache.path(digest)), request.signal)
    }
    const info = await images.inspect(tag)
    if (info?.id !== image.configDigest) throw new BuildFailedError(`The engine loaded the image, but ${tag} names ${info?.id ?? 'nothing'}, not ${image.configDigest}.`, 'Run the build again.')
    loaded = true
    await recordLastBuild(projectDir, {image: tag, imageId: image.configDigest, startedAt: started, settings: {...request.settings, builder: 'direct'}}, env)
  }

  return {
    image: push?.imageUri ?? tag,
    imageId: image.configDigest,
    digest: image.manifestDigest,
    mediaType: image.mediaType,
    architecture: arch.id,
    sizeBytes: image.layers.reduce((sum, l) => sum + l.size, 0),
    durationMs: now() - started,
    steps: built.length,
    cachedSteps: reused,
    runtime: runtime.id,
    baseImage: baseRef,
    builder: 'direct',
    dockerfile: 'none',
    ...(layout.install ? {install: layout.install.description} : {}),
    ...(npmVersion ? {npmVersion} : {}),
    keptOut: filter.secrets.report.keptOut,
    layers: {base: base.layers.length, built: built.length, reused},
    loaded,
    ...(output ? {output} : {}),
    ...(push ? {push} : {}),
    warnings,
  }
}

async function connectEngine(images: DirectBuildRequest['images']): Promise<Pick<ImageClient, 'load' | 'inspect' | 'tag'>> {
  if (!images) throw new InvalidInputError('The direct builder has nowhere to put the image.', 'Pass --push or --output.')
  try {
    return await images()
  } catch (error) {
    if (!(error instanceof EngineUnavailableError)) throw error
    throw new EngineUnavailableError(`${error.message} The direct builder loads the image into it when neither --push nor --output is given.`, 'Start the engine, or build with --push (to ECR) or --output FILE, which need no engine.', {cause: error})
  }
}

/** What this first direct builder does not build: said before any work, with the way that does. */
async function refuseUnsupported(projectDir: string, config: ProjectConfig): Promise<void> {
  const own = config.dockerfile ?? PROJECT_DOCKERFILE
  if (config.dockerfile !== undefined || (await stat(join(projectDir, own)).catch(() => undefined))?.isFile()) {
    throw new InvalidInputError(`The project builds with its own Dockerfile (${own}), which only the engine runs.`, 'Build it with `--builder engine` (or "builder": "engine" in limg.json).')
  }
}

/** The handler's file must be in the code layer, or every invocation fails with Runtime.ImportModuleError. */
function checkHandler(config: ProjectConfig, taskRoot: string, inImage: Set<string>): void {
  const files = locateHandler(config.handler, config.template).imageFiles
  if (files.some((f) => inImage.has(posix.join(taskRoot, f)))) return
  throw new BuildFailedError(
    `The handler "${config.handler}" is not in the image: none of ${files.map((f) => `/${posix.join(taskRoot, f)}`).join(', ')} exists.`,
    'Check "handler" in limg.json and that the file is not excluded by .dockerignore.',
  )
}

/** The archive written beside its destination and renamed into place, so it is never seen half-written. */
async function writeArchive(image: AssembledImage, tag: string, base: ResolvedBase, cache: BlobCache, destination: string): Promise<string> {
  for (const layer of base.layers) await ensureBaseLayer(base, layer, cache)
  const temp = `${destination}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  try {
    await pipeline(imageArchive(image, tag, (digest) => cache.path(digest)), createWriteStream(temp))
    await rename(temp, destination)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
  return destination
}

function mb(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`
}

