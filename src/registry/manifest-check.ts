import {getArchitecture, type Architecture} from '../catalog/runtimes.js'
import {BuildFailedError, RegistryError} from '../errors/index.js'
import {type FetchedManifest, MEDIA_TYPES, type RegistryHttp} from './registry-http.js'

export interface CheckedManifest {
  digest: string
  /** The image config's digest: a local image's ID when the registry holds that image. */
  configDigest: string
  mediaType: string
  /** The image config's architecture, `amd64` or `arm64`. */
  architecture: string
  os: string
  layers: number
  /** Sum of the compressed layer sizes the manifest lists. */
  layerBytes: number
}

const SINGLE = new Set<string>([MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest])
const INDEX = new Set<string>([MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociIndex])

/** What a single-platform manifest says, checked to be one Lambda accepts; the config's own checks are checkManifest's. */
export type ManifestShape = Omit<CheckedManifest, 'architecture' | 'os'>

/**
 * Checks a manifest as Lambda will (lambda-contract.md section 4): one platform, a Docker v2
 * schema 2 or OCI manifest, naming its config.
 */
export function manifestShape(manifest: FetchedManifest, repository: string, reference: string): ManifestShape {
  const {mediaType} = manifest
  if (INDEX.has(mediaType) || Array.isArray(manifest.json.manifests)) {
    throw new BuildFailedError(
      `${repository}:${reference} is an image index (${mediaType || 'manifests list'}), which Lambda rejects: a function's image must be a single-platform manifest.`,
      'Build the image with `limg build` (one architecture, no index), or with `docker buildx build --provenance=false --sbom=false --platform linux/<arch>`, then push again.',
    )
  }
  if (!SINGLE.has(mediaType)) {
    throw new BuildFailedError(
      `${repository}:${reference} has manifest type "${mediaType || 'unknown'}"; Lambda accepts only Docker v2 schema 2 or OCI image manifests.`,
      'Rebuild the image with `limg build` and push again.',
    )
  }
  const config = manifest.json.config as {digest?: string} | undefined
  if (!config?.digest) throw new RegistryError(`The manifest of ${repository}:${reference} names no config blob.`)
  const layers = Array.isArray(manifest.json.layers) ? (manifest.json.layers as {size?: number}[]) : []
  return {
    digest: manifest.digest,
    configDigest: config.digest,
    mediaType,
    layers: layers.length,
    layerBytes: layers.reduce((sum, l) => sum + (typeof l.size === 'number' ? l.size : 0), 0),
  }
}

/**
 * Reads back what the registry holds under `reference` and checks it is what Lambda accepts:
 * the manifest's shape, and a config whose architecture is the function's.
 */
export async function checkManifest(
  registry: Pick<RegistryHttp, 'manifest' | 'blobJson'>,
  repository: string,
  reference: string,
  arch: Architecture,
): Promise<CheckedManifest> {
  const shape = manifestShape(await registry.manifest(repository, reference), repository, reference)
  const imageConfig = await registry.blobJson(repository, shape.configDigest)
  const architecture = typeof imageConfig.architecture === 'string' ? imageConfig.architecture : ''
  const os = typeof imageConfig.os === 'string' ? imageConfig.os : ''
  const expected = getArchitecture(arch).dockerArch
  if (architecture !== expected) {
    throw new BuildFailedError(
      `${repository}:${reference} is a ${architecture || 'unknown'} image, but the function is ${arch} (image architecture ${expected}).`,
      `Build for ${arch} (\`limg build --arch ${arch}\`) and push that image, or change the function's architecture.`,
    )
  }
  return {...shape, architecture, os}
}
