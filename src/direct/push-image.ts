import type {Architecture} from '../catalog/runtimes.js'
import type {TokenSource} from '../ecr/authorization.js'
import type {EcrApi, RepositorySettings} from '../ecr/ecr-api.js'
import {type EnsuredRepository, ensureRepository} from '../ecr/repository.js'
import {RegistryError} from '../errors/index.js'
import type {PushResult} from '../push/push-to-ecr.js'
import type {BlobCache} from '../registry/blob-cache.js'
import {checkManifest} from '../registry/manifest-check.js'
import {RegistryHttp, RegistryHttpError} from '../registry/registry-http.js'
import {apiHost} from '../registry/reference.js'
import {type ResolvedBase, ensureBaseLayer} from './base-image.js'
import type {AssembledImage} from './image.js'

export interface DirectPushOptions {
  arch: Architecture
  repository: string
  settings: RepositorySettings
  createRepository: boolean
  tag: string
  region: string
  signal?: AbortSignal
  onStep?: (message: string) => void
}

export interface DirectPushDependencies {
  ecr: Pick<EcrApi, 'describeRepository' | 'createRepository' | 'putLifecyclePolicy'>
  tokens: TokenSource
  base: ResolvedBase
  cache: BlobCache
  /** The repository, when the caller ensured it already (side by side with the build). */
  repository?: () => Promise<EnsuredRepository>
}

/**
 * Sends an assembled image to ECR without an engine: the repository ensured as `limg push`
 * does, then each blob the registry lacks (asked with HEAD first; a base layer in another
 * repository of the same registry is mounted, not sent), the config, and last the manifest
 * under its tag, read back and checked as Lambda will take it. The token stays in memory.
 */
export async function pushAssembled(image: AssembledImage, options: DirectPushOptions, deps: DirectPushDependencies): Promise<PushResult> {
  const step = options.onStep ?? (() => {})
  const warnings: string[] = []
  const first = await deps.tokens.get()
  const registry = first.registryHost
  step(`Repository ${options.repository}`)
  const repo = await (deps.repository?.() ?? ensureRepository(deps.ecr, options.repository, options.settings, {create: options.createRepository, region: options.region}))
  if (!repo.created && repo.imageTagMutability !== options.settings.imageTagMutability) {
    warnings.push(`The repository ${options.repository} has ${repo.imageTagMutability} tags; limg's settings apply only to repositories it creates.`)
  }
  const baseLayers = new Set(deps.base.layers.map((l) => l.digest))
  const sameRegistry = apiHost(deps.base.registry) === registry

  const attempt = async (): Promise<PushResult> => {
    const credentials = await deps.tokens.get()
    const http = new RegistryHttp(credentials, options.signal)
    // All asked at once: after a code change every answer but one is "there", and each round trip counts.
    const [held, ...present] = await Promise.all([
      http.manifestIfPresent(options.repository, options.tag),
      ...[...image.layers.map((l) => l.digest), image.configDigest].map((digest) => http.blobExists(options.repository, digest)),
    ])
    if (held) {
      if (held.digest === image.manifestDigest) {
        step(`${registry}/${options.repository}:${options.tag} already holds this image; nothing to push`)
        return finish(http, 0, {pushed: 0, existing: image.layers.length}, true)
      }
      if (repo.imageTagMutability === 'IMMUTABLE') {
        throw new RegistryError(`The tag ${options.tag} already exists in the immutable repository ${options.repository} and holds a different image (${held.digest}).`, 'Name another tag with --push-tag, or leave it out to use the tag derived from the image content.')
      }
    }
    let bytesUploaded = 0
    const counts = {pushed: 0, existing: 0}
    // The missing blobs go side by side (a code change: the code layer and the config); the manifest only after all.
    const sendLayer = async (layer: AssembledImage['layers'][number]): Promise<void> => {
      if (baseLayers.has(layer.digest) && sameRegistry && deps.base.repository !== options.repository && (await http.mountBlob(options.repository, layer.digest, deps.base.repository))) {
        counts.existing += 1
        return
      }
      const path = baseLayers.has(layer.digest) ? await ensureBaseLayer(deps.base, {...layer}, deps.cache) : deps.cache.path(layer.digest)
      step(`Uploading ${layer.digest.slice(7, 19)} (${(layer.size / 1024 ** 2).toFixed(1)} MB)`)
      await http.uploadBlob(options.repository, layer.digest, {path})
      bytesUploaded += layer.size
      counts.pushed += 1
    }
    const sendConfig = async (): Promise<void> => {
      await http.uploadBlob(options.repository, image.configDigest, {data: image.config})
      bytesUploaded += image.config.length
    }
    counts.existing += present.slice(0, image.layers.length).filter(Boolean).length
    await Promise.all([...image.layers.filter((_, i) => !present[i]).map(sendLayer), ...(present[image.layers.length] ? [] : [sendConfig()])])
    await http.putManifest(options.repository, options.tag, image.manifest, image.mediaType)
    bytesUploaded += image.manifest.length
    return finish(http, bytesUploaded, counts, false)
  }

  const finish = async (http: RegistryHttp, bytesUploaded: number, layers: {pushed: number; existing: number}, alreadyPushed: boolean): Promise<PushResult> => {
    step(`Reading back ${registry}/${options.repository}:${options.tag}`)
    const checked = await checkManifest(http, options.repository, options.tag, options.arch)
    if (checked.digest !== image.manifestDigest) {
      throw new RegistryError(`The registry holds ${checked.digest} under ${options.tag}, not the pushed ${image.manifestDigest}.`, 'Another push may have replaced the tag (mutable repository); push again with a unique tag.')
    }
    const remoteRef = `${registry}/${options.repository}`
    return {
      imageUri: `${remoteRef}:${options.tag}`,
      digestUri: `${remoteRef}@${checked.digest}`,
      digest: checked.digest,
      repository: options.repository,
      registry,
      region: options.region,
      mediaType: checked.mediaType,
      architecture: checked.architecture,
      tag: options.tag,
      bytesUploaded,
      layers,
      alreadyPushed,
      repositoryCreated: repo.created,
      warnings,
    }
  }

  try {
    try {
      return await attempt()
    } catch (error) {
      // A token refused (expired during a long upload): once more with a fresh one; blobs sent stay sent.
      if (!(error instanceof RegistryHttpError && error.unauthorized)) throw error
      deps.tokens.invalidate()
      return await attempt()
    }
  } catch (error) {
    if (!(error instanceof RegistryHttpError)) throw error
    throw new RegistryError(`Pushing to ${registry}/${options.repository} failed: ${error.message}`, 'Push again once the registry answers: blobs it holds already are not sent again.', {cause: error})
  }
}
