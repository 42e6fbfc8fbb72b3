import {createHash} from 'node:crypto'
import {MEDIA_TYPES} from '../registry/registry-http.js'
import type {BaseLayer, ImageConfig} from './base-image.js'
import type {LayerBlob} from './layer.js'

export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'
const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip'

/** The image's time stamp, fixed so that the same input gives the same config and digest. */
export const FIXED_CREATED = '1970-01-01T00:00:00Z'

/** A layer limg made, with what the history says made it. */
export interface BuiltLayer extends LayerBlob {
  createdBy: string
}

export interface AssembledImage {
  config: Buffer
  configDigest: string
  manifest: Buffer
  manifestDigest: string
  mediaType: typeof MEDIA_TYPES.ociManifest
  /** Every layer in order: the base's, then limg's. */
  layers: Array<{digest: string; size: number; mediaType: string}>
}

/**
 * The image config and OCI manifest: the base's config kept (entrypoint, environment,
 * working directory, labels), `CMD` the handler, limg's labels added, limg's layers
 * appended to rootfs and history, and no time stamp that changes from build to build.
 * Docker's gzip layer type is the same bytes as OCI's, so the base layers keep their
 * digests under the OCI name.
 */
export function assembleImage(base: {config: ImageConfig; layers: BaseLayer[]}, built: BuiltLayer[], handler: string, labels: Record<string, string>): AssembledImage {
  const baseConfig = base.config
  const {container: _container, container_config: _containerConfig, docker_version: _dockerVersion, ...kept} = baseConfig as ImageConfig & {container?: unknown; container_config?: unknown; docker_version?: unknown}
  const config: ImageConfig = {
    ...kept,
    created: FIXED_CREATED,
    config: {...baseConfig.config, Cmd: [handler], Labels: {...baseConfig.config?.Labels, ...labels}},
    rootfs: {type: 'layers', diff_ids: [...(baseConfig.rootfs?.diff_ids ?? []), ...built.map((l) => l.diffId)]},
    history: [...(baseConfig.history ?? []), ...built.map((l) => ({created: FIXED_CREATED, created_by: l.createdBy}))],
  }
  const configBytes = Buffer.from(JSON.stringify(config))
  const configDigest = digestOf(configBytes)
  const layers = [
    ...base.layers.map((l) => ({digest: l.digest, size: l.size, mediaType: l.mediaType === DOCKER_LAYER_GZIP ? OCI_LAYER_GZIP : l.mediaType})),
    ...built.map((l) => ({digest: l.digest, size: l.size, mediaType: OCI_LAYER_GZIP})),
  ]
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: {mediaType: OCI_CONFIG, digest: configDigest, size: configBytes.length},
    layers,
  }
  const manifestBytes = Buffer.from(JSON.stringify(manifest))
  return {config: configBytes, configDigest, manifest: manifestBytes, manifestDigest: digestOf(manifestBytes), mediaType: MEDIA_TYPES.ociManifest, layers}
}

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}
