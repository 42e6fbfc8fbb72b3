import type {Readable} from 'node:stream'
import {type ContextEntry, contextStream} from '../context/entries-stream.js'
import type {AssembledImage} from './image.js'

const hex = (digest: string): string => digest.replace(/^sha256:/, '')

/**
 * The image as one tar that both kinds of reader take: an OCI image layout (`oci-layout`,
 * `index.json`, `blobs/sha256/…`, for skopeo, crane, podman and containerd) and, over the
 * same blobs, the `manifest.json` that `docker load` reads (Docker 20.10 knows no OCI
 * layout). Blobs are read from their files as the tar is written.
 */
export function imageArchive(image: AssembledImage, tag: string, blobPath: (digest: string) => string): Readable {
  const layerFiles = image.layers.map((l) => `blobs/sha256/${hex(l.digest)}`)
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{mediaType: image.mediaType, digest: image.manifestDigest, size: image.manifest.length, annotations: {'org.opencontainers.image.ref.name': tag.slice(tag.lastIndexOf(':') + 1), 'io.containerd.image.name': tag}}],
  }
  const dockerManifest = [{Config: `blobs/sha256/${hex(image.configDigest)}`, RepoTags: [tag], Layers: layerFiles}]
  const seen = new Set<string>()
  const blobs: ContextEntry[] = []
  for (const layer of image.layers) {
    if (seen.has(layer.digest)) continue
    seen.add(layer.digest)
    blobs.push({kind: 'file', from: blobPath(layer.digest), to: `blobs/sha256/${hex(layer.digest)}`, mode: 0o644})
  }
  return contextStream([
    {kind: 'content', to: 'oci-layout', data: JSON.stringify({imageLayoutVersion: '1.0.0'}), mode: 0o644},
    {kind: 'content', to: 'index.json', data: JSON.stringify(index), mode: 0o644},
    {kind: 'content', to: 'manifest.json', data: JSON.stringify(dockerManifest), mode: 0o644},
    {kind: 'directory', to: 'blobs', mode: 0o755},
    {kind: 'directory', to: 'blobs/sha256', mode: 0o755},
    {kind: 'content', to: `blobs/sha256/${hex(image.configDigest)}`, data: image.config.toString('utf8'), mode: 0o644},
    {kind: 'content', to: `blobs/sha256/${hex(image.manifestDigest)}`, data: image.manifest.toString('utf8'), mode: 0o644},
    ...blobs,
  ])
}
