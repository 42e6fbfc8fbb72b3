import {createHash} from 'node:crypto'
import {isIP} from 'node:net'
import {RegistryError} from '../errors/index.js'
import type {RegistryCredentials} from '../ecr/authorization.js'

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const

/** Every manifest kind we can be given, so the registry answers with what it holds, indexes included. */
const MANIFEST_ACCEPT = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociIndex].join(', ')

const REQUEST_TIMEOUT_MS = 60_000

/** An HTTP answer from the registry that was not a success. */
export class RegistryHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code?: string,
  ) {
    super(message)
    this.name = 'RegistryHttpError'
  }

  get unauthorized(): boolean {
    return this.status === 401
  }

  get transient(): boolean {
    return this.status === 429 || (this.status !== undefined && this.status >= 500) || this.code === 'ECONNRESET' || this.code === 'UND_ERR_SOCKET'
  }
}

export interface FetchedManifest {
  mediaType: string
  /** sha256 of the bytes the registry returned. */
  digest: string
  body: Buffer
  json: Record<string, unknown>
}

/**
 * Reads manifests and blobs from a registry's HTTP API v2 with ECR's Basic auth. Plain HTTP is
 * allowed only for loopback registries (local test registries); everything else is HTTPS.
 */
export class RegistryHttp {
  private readonly base: URL

  constructor(
    private readonly credentials: Pick<RegistryCredentials, 'username' | 'password' | 'proxyEndpoint'>,
    private readonly signal?: AbortSignal,
  ) {
    this.base = registryBaseUrl(credentials.proxyEndpoint)
  }

  async manifest(repository: string, reference: string): Promise<FetchedManifest> {
    const response = await this.get(`/v2/${repository}/manifests/${reference}`, MANIFEST_ACCEPT)
    const body = Buffer.from(await response.arrayBuffer())
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`
    const claimed = response.headers.get('docker-content-digest')
    if (claimed && claimed !== digest) {
      throw new RegistryError(`The registry says the manifest of ${repository}:${reference} is ${claimed}, but its bytes hash to ${digest}.`, 'Push again; if it persists, the registry or a proxy is altering responses.')
    }
    let json: Record<string, unknown>
    try {
      json = JSON.parse(body.toString('utf8')) as Record<string, unknown>
    } catch (error) {
      throw new RegistryError(`The manifest of ${repository}:${reference} is not JSON.`, undefined, {cause: error})
    }
    const mediaType = (typeof json.mediaType === 'string' ? json.mediaType : undefined) ?? response.headers.get('content-type')?.split(';')[0].trim() ?? ''
    return {mediaType, digest, body, json}
  }

  async blobJson(repository: string, digest: string): Promise<Record<string, unknown>> {
    const response = await this.get(`/v2/${repository}/blobs/${digest}`, '*/*')
    const body = Buffer.from(await response.arrayBuffer())
    const actual = `sha256:${createHash('sha256').update(body).digest('hex')}`
    if (actual !== digest) throw new RegistryError(`The blob ${digest} in ${repository} hashes to ${actual}.`, 'Push again; the registry returned corrupt data.')
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>
  }

  private async get(path: string, accept: string): Promise<Response> {
    const url = new URL(path, this.base)
    const basic = Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')
    const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(this.signal ? [this.signal] : [])]
    let response: Response
    try {
      // fetch drops Authorization when a blob GET is redirected to another origin (ECR sends S3 URLs).
      response = await fetch(url, {headers: {accept, authorization: `Basic ${basic}`}, signal: AbortSignal.any(signals), redirect: 'follow'})
    } catch (error) {
      const code = (error as {cause?: {code?: string}}).cause?.code ?? (error as {code?: string}).code
      throw new RegistryHttpError(`Cannot reach the registry at ${this.base.origin} (${code ?? (error as Error).message}).`, undefined, code)
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).slice(0, 300).trim()
      throw new RegistryHttpError(`GET ${url.pathname} answered ${response.status}${text ? `: ${text}` : ''}`, response.status)
    }
    return response
  }
}

/** The proxyEndpoint as a URL; refuses plain HTTP to anything but this machine. */
export function registryBaseUrl(proxyEndpoint: string): URL {
  const url = new URL(proxyEndpoint.includes('://') ? proxyEndpoint : `https://${proxyEndpoint}`)
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new RegistryError(
      `Refusing to send registry credentials over plain HTTP to ${url.host}.`,
      'Only registries on this machine (127.0.0.1, ::1, localhost) may use http://; check AWS_ENDPOINT_URL_ECR / endpoint_url.',
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RegistryError(`Unsupported registry address "${proxyEndpoint}".`)
  url.pathname = '/'
  return url
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}
