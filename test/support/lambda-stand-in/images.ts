import type Docker from 'dockerode'

const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ')
const SINGLE = new Set(['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json'])

/** The registry the stand-in reads images from, as ECR's stand-in hands it out. */
export interface StandInRegistry {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  password: string
}

export type ImageLookup =
  | {kind: 'found'; resolvedUri: string; digest: string; repository: string}
  | {kind: 'missing'}
  | {kind: 'not-single'; mediaType: string}
  | {kind: 'foreign'}

/** `<host>/<repository>(:<tag>|@<digest>)` split up; undefined when it is no such reference. */
export function parseImageUri(uri: string): {host: string; repository: string; reference: string} | undefined {
  const match = /^([^/]+)\/([a-z0-9._/-]+)(?:@(sha256:[0-9a-f]{64})|:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))$/.exec(uri)
  if (!match) return undefined
  return {host: match[1], repository: match[2], reference: match[3] ?? match[4]}
}

function basic(registry: StandInRegistry): string {
  return `Basic ${Buffer.from(`AWS:${registry.password}`).toString('base64')}`
}

/** What Lambda checks as soon as it is given an image: that it is in the account's registry, exists, and is a single-platform manifest. */
export async function lookUpImage(registry: StandInRegistry, uri: string): Promise<ImageLookup> {
  const parsed = parseImageUri(uri)
  if (!parsed || parsed.host !== new URL(registry.endpoint).host) return {kind: 'foreign'}
  const response = await fetch(new URL(`/v2/${parsed.repository}/manifests/${parsed.reference}`, registry.endpoint), {
    headers: {accept: MANIFEST_ACCEPT, authorization: basic(registry)},
  })
  if (response.status === 404) return {kind: 'missing'}
  if (!response.ok) throw new Error(`registry answered ${response.status} for ${uri}`)
  await response.arrayBuffer()
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim()
  if (!SINGLE.has(mediaType)) return {kind: 'not-single', mediaType}
  const digest = response.headers.get('docker-content-digest') ?? ''
  return {kind: 'found', digest, repository: parsed.repository, resolvedUri: `${parsed.host}/${parsed.repository}@${digest}`}
}

/** The image config's architecture (`amd64`, `arm64`), read from the registry as Lambda reads it. */
export async function imageArchitecture(registry: StandInRegistry, repository: string, digest: string): Promise<string> {
  const manifest = (await (await fetch(new URL(`/v2/${repository}/manifests/${digest}`, registry.endpoint), {headers: {accept: MANIFEST_ACCEPT, authorization: basic(registry)}})).json()) as {
    config: {digest: string}
  }
  const config = (await (await fetch(new URL(`/v2/${repository}/blobs/${manifest.config.digest}`, registry.endpoint), {headers: {authorization: basic(registry)}})).json()) as {architecture?: string}
  return config.architecture ?? ''
}

/** Pulls the image onto the engine with the registry's credentials (as Lambda fetches it) and returns its uncompressed size. */
export async function pullImage(docker: Docker, registry: StandInRegistry, resolvedUri: string): Promise<number> {
  const stream = await docker.pull(resolvedUri, {authconfig: {username: 'AWS', password: registry.password, serveraddress: registry.endpoint}})
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: {error?: string}[]) => {
      const failed = output?.find((line) => line.error)
      if (error || failed) reject(error ?? new Error(failed?.error))
      else resolve()
    })
  })
  const info = await docker.getImage(resolvedUri).inspect()
  return info.Size
}
