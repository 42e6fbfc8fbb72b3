import {readFile} from 'node:fs/promises'
import {Readable} from 'node:stream'
import {type ArchitectureInfo} from '../catalog/runtimes.js'
import {BuildFailedError, RegistryError} from '../errors/index.js'
import type {BlobCache} from '../registry/blob-cache.js'
import {parseReference} from '../registry/reference.js'
import {MEDIA_TYPES, type RegistryHttp, RegistryHttpError} from '../registry/registry-http.js'

/** A layer of the base image, as its manifest lists it. */
export interface BaseLayer {
  digest: string
  size: number
  mediaType: string
}

/** The base image for one architecture, as the registry holds it. */
export interface ResolvedBase {
  ref: string
  /** The registry's `host[:port]` as the reference names it. */
  registry: string
  repository: string
  http: RegistryHttp
  /** The digest of the single-platform manifest used. */
  manifestDigest: string
  config: ImageConfig
  layers: BaseLayer[]
}

/** The parts of an image config the direct builder reads and writes. */
export interface ImageConfig {
  architecture?: string
  os?: string
  variant?: string
  config?: {Env?: string[]; Entrypoint?: string[] | null; Cmd?: string[] | null; WorkingDir?: string; Labels?: Record<string, string> | null; [key: string]: unknown}
  rootfs?: {type: string; diff_ids: string[]}
  history?: Array<Record<string, unknown>>
  [key: string]: unknown
}

/**
 * Reads the base image for `arch` from its registry: an image index is resolved to the one
 * manifest for linux and the architecture, the config is read (and kept in the blob cache,
 * checked by digest). Layers are only listed; `ensureBaseLayer` fetches one when its bytes
 * are needed.
 */
export async function resolveBase(ref: string, arch: ArchitectureInfo, open: (registry: string) => Promise<RegistryHttp>, cache: BlobCache): Promise<ResolvedBase> {
  const parsed = parseReference(ref)
  const http = await open(parsed.registry)
  let manifest
  try {
    manifest = await http.manifest(parsed.repository, parsed.reference)
  } catch (error) {
    throw baseFailure(ref, error)
  }
  if (Array.isArray(manifest.json.manifests)) {
    const entries = manifest.json.manifests as Array<{digest?: string; platform?: {os?: string; architecture?: string; variant?: string}}>
    const match = entries.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch.dockerArch && (arch.dockerArch !== 'arm64' || !m.platform.variant || m.platform.variant === 'v8'))
    if (!match?.digest) {
      const offered = entries.map((m) => `${m.platform?.os ?? '?'}/${m.platform?.architecture ?? '?'}`).join(', ')
      throw new BuildFailedError(`The base image ${ref} has no linux/${arch.dockerArch} image (it offers ${offered || 'none'}).`, `Use a base image for ${arch.id} with --base-image.`)
    }
    manifest = await http.manifest(parsed.repository, match.digest).catch((error: unknown) => {
      throw baseFailure(ref, error)
    })
  }
  if (manifest.mediaType !== MEDIA_TYPES.dockerManifest && manifest.mediaType !== MEDIA_TYPES.ociManifest) {
    throw new BuildFailedError(`The base image ${ref} has a manifest of type "${manifest.mediaType}", which the direct builder cannot read.`, 'Use --builder engine, or a base image in Docker v2 or OCI format.')
  }
  const configRef = manifest.json.config as {digest?: string} | undefined
  if (!configRef?.digest) throw new RegistryError(`The manifest of ${ref} names no config.`)
  const config = JSON.parse((await cachedBlob(http, parsed.repository, configRef.digest, cache)).toString('utf8')) as ImageConfig
  const layers = ((manifest.json.layers ?? []) as Array<{digest: string; size: number; mediaType: string}>).map((l) => ({digest: l.digest, size: l.size, mediaType: l.mediaType}))
  return {ref, registry: parsed.registry, repository: parsed.repository, http, manifestDigest: manifest.digest, config, layers}
}

/** The base layer's bytes in the cache: downloaded once, checked against its digest. */
export async function ensureBaseLayer(base: ResolvedBase, layer: BaseLayer, cache: BlobCache): Promise<string> {
  if (await cache.has(layer.digest, layer.size)) return cache.path(layer.digest)
  try {
    return await cache.put(layer.digest, await base.http.blobStream(base.repository, layer.digest))
  } catch (error) {
    throw baseFailure(base.ref, error)
  }
}

async function cachedBlob(http: RegistryHttp, repository: string, digest: string, cache: BlobCache): Promise<Buffer> {
  if (await cache.has(digest)) return readFile(cache.path(digest))
  const body = await http.blob(repository, digest)
  await cache.put(digest, Readable.from([body]))
  return body
}

function baseFailure(ref: string, error: unknown): unknown {
  if (!(error instanceof RegistryHttpError)) return error
  const hint = 'Check --base-image (or "baseImage" in limg.json) and that this machine can reach its registry; `docker login` stores a password limg reads, or build with --builder engine from an image the engine has.'
  if (error.status === 404) return new BuildFailedError(`The base image ${ref} is not in its registry (${error.message}).`, hint, {cause: error})
  if (error.status === 401 || error.status === 403) return new RegistryError(`The registry refused to give the base image ${ref} (${error.message}).`, hint, {cause: error})
  return new RegistryError(`The base image ${ref} cannot be read: ${error.message}`, hint, {cause: error})
}
