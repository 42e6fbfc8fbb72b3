import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {isIP} from 'node:net'
import type {Readable} from 'node:stream'
import {RegistryError} from '../errors/index.js'
import {type HttpAnswer, httpAnswer} from './http-answer.js'

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
    return this.status === 429 || (this.status !== undefined && this.status >= 500) || this.code === 'ECONNRESET' || this.code === 'EPIPE'
  }
}

export interface FetchedManifest {
  mediaType: string
  /** sha256 of the bytes the registry returned. */
  digest: string
  body: Buffer
  json: Record<string, unknown>
}

/** Where a registry is and who asks: ECR's token as Basic auth, a `docker login`, or nobody. */
export interface RegistryEndpoint {
  /** `https://host`, `http://127.0.0.1:5000`, or a bare `host[:port]` (HTTPS). */
  proxyEndpoint: string
  username?: string
  password?: string
}

/** A blob to upload: its bytes in a file, or in memory (a config). */
export type BlobSource = {path: string} | {data: Buffer}

/**
 * The registry's HTTP API v2 (the OCI distribution API): manifests and blobs read, checked
 * against their digests, and written. Credentials go as Basic auth when given (ECR, a
 * registry with htpasswd); a `WWW-Authenticate: Bearer` challenge is answered with a token
 * from the realm it names (anonymous, or with the login), kept in memory per scope. Plain
 * HTTP is allowed only for loopback registries, as Docker allows; everything else is HTTPS.
 */
export class RegistryHttp {
  private readonly base: URL
  private readonly tokens = new Map<string, string>()
  /** The Bearer token of the last challenge answered, tried first on later requests. */
  private bearer: string | undefined

  constructor(
    private readonly credentials: RegistryEndpoint,
    private readonly signal?: AbortSignal,
  ) {
    this.base = registryBaseUrl(credentials.proxyEndpoint)
  }

  /** `host[:port]` of the registry. */
  get host(): string {
    return this.base.host
  }

  async manifest(repository: string, reference: string): Promise<FetchedManifest> {
    const response = await this.request('GET', `/v2/${repository}/manifests/${reference}`, {accept: MANIFEST_ACCEPT})
    const body = await response.bytes()
    const digest = sha256(body)
    const claimed = response.header('docker-content-digest')
    if (claimed && claimed !== digest) {
      throw new RegistryError(`The registry says the manifest of ${repository}:${reference} is ${claimed}, but its bytes hash to ${digest}.`, 'Push again; if it persists, the registry or a proxy is altering responses.')
    }
    if (reference.startsWith('sha256:') && reference !== digest) {
      throw new RegistryError(`The manifest ${repository}@${reference} the registry returned hashes to ${digest}.`, 'The registry or a proxy altered it; try again or use another mirror.')
    }
    let json: Record<string, unknown>
    try {
      json = JSON.parse(body.toString('utf8')) as Record<string, unknown>
    } catch (error) {
      throw new RegistryError(`The manifest of ${repository}:${reference} is not JSON.`, undefined, {cause: error})
    }
    const mediaType = (typeof json.mediaType === 'string' ? json.mediaType : undefined) ?? response.header('content-type')?.split(';')[0].trim() ?? ''
    return {mediaType, digest, body, json}
  }

  /** The manifest under `reference`, or undefined when the registry has none there. */
  async manifestIfPresent(repository: string, reference: string): Promise<FetchedManifest | undefined> {
    try {
      return await this.manifest(repository, reference)
    } catch (error) {
      if (error instanceof RegistryHttpError && error.status === 404) return undefined
      throw error
    }
  }

  async blobJson(repository: string, digest: string): Promise<Record<string, unknown>> {
    const body = await this.blob(repository, digest)
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>
  }

  /** A small blob (a config), whole, checked against its digest. */
  async blob(repository: string, digest: string): Promise<Buffer> {
    const response = await this.request('GET', `/v2/${repository}/blobs/${digest}`, {accept: '*/*'})
    const body = await response.bytes()
    const actual = sha256(body)
    if (actual !== digest) throw new RegistryError(`The blob ${digest} in ${repository} hashes to ${actual}.`, 'Try again; the registry returned corrupt data.')
    return body
  }

  /** A blob's bytes as a stream, for the caller to hash while it writes them (see BlobCache). */
  async blobStream(repository: string, digest: string): Promise<Readable> {
    const response = await this.request('GET', `/v2/${repository}/blobs/${digest}`, {accept: '*/*', noTimeout: true})
    return response.stream()
  }

  async blobExists(repository: string, digest: string): Promise<boolean> {
    try {
      await this.request('HEAD', `/v2/${repository}/blobs/${digest}`, {})
      return true
    } catch (error) {
      if (error instanceof RegistryHttpError && error.status === 404) return false
      throw error
    }
  }

  /**
   * Asks the registry to link a blob `from` another repository it holds it in, without
   * sending it (cross-repository mount). False when it would rather have the bytes.
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    const query = new URLSearchParams({mount: digest, from})
    const response = await this.request('POST', `/v2/${repository}/blobs/uploads/?${query}`, {accept: '*/*', scope: `repository:${repository}:pull,push repository:${from}:pull`})
    await response.bytes().catch(() => undefined)
    if (response.status === 201) return true
    // 202: the registry opened an upload instead; it expires unused, so it is cancelled.
    const location = response.header('location')
    if (location) await this.request('DELETE', location, {}).then((r) => r.bytes()).catch(() => undefined)
    return false
  }

  /** Uploads a blob in one request (POST for a session, then PUT with the digest). */
  async uploadBlob(repository: string, digest: string, source: BlobSource): Promise<void> {
    const started = await this.request('POST', `/v2/${repository}/blobs/uploads/`, {accept: '*/*', scope: `repository:${repository}:pull,push`})
    await started.bytes().catch(() => undefined)
    const location = started.header('location')
    if (!location) throw new RegistryHttpError(`POST /v2/${repository}/blobs/uploads/ answered ${started.status} without a Location`, started.status)
    const target = new URL(location, this.base)
    target.searchParams.set('digest', digest)
    // In memory, sent with a Content-Length, which registries (ECR among them) want for a
    // single-request upload; a function's layers are tens of MB at most.
    const body = 'data' in source ? source.data : await readFile(source.path)
    const done = await this.request('PUT', target.toString(), {body, contentType: 'application/octet-stream', noTimeout: true})
    await done.bytes().catch(() => undefined)
  }

  /** Stores a manifest under a tag; returns the digest the registry gave it. */
  async putManifest(repository: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
    const response = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, {body, contentType: mediaType, scope: `repository:${repository}:pull,push`})
    await response.bytes().catch(() => undefined)
    return response.header('docker-content-digest') ?? sha256(body)
  }

  private async request(
    method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: {accept?: string; body?: Buffer; contentType?: string; scope?: string; noTimeout?: boolean},
  ): Promise<HttpAnswer> {
    const url = new URL(path, this.base)
    const send = async (authorization: string | undefined): Promise<HttpAnswer> => {
      const signals = [...(options.noTimeout ? [] : [AbortSignal.timeout(REQUEST_TIMEOUT_MS)]), ...(this.signal ? [this.signal] : [])]
      const headers: Record<string, string> = {}
      if (options.accept) headers.accept = options.accept
      if (options.contentType) headers['content-type'] = options.contentType
      if (authorization) headers.authorization = authorization
      try {
        // Authorization is dropped when a blob GET is redirected to another origin (ECR sends S3 URLs).
        return await httpAnswer(url, {method, headers, ...(options.body ? {body: options.body} : {}), ...(signals.length ? {signal: AbortSignal.any(signals)} : {})})
      } catch (error) {
        if (this.signal?.aborted) throw error
        const code = (error as {cause?: {code?: string}}).cause?.code ?? (error as {code?: string}).code
        throw new RegistryHttpError(`Cannot reach the registry at ${this.base.origin} (${code ?? (error as Error).message}).`, undefined, code)
      }
    }
    let response = await send(this.bearer ? `Bearer ${this.bearer}` : this.basic())
    if (response.status === 401) {
      const challenge = parseChallenge(response.header('www-authenticate') ?? '')
      await response.bytes().catch(() => undefined)
      if (challenge?.scheme === 'bearer') {
        response = await send(`Bearer ${await this.token(challenge.params, options.scope)}`)
      }
    }
    if (!response.ok && !(method === 'POST' && response.status === 202)) {
      const text = method === 'HEAD' ? '' : (await response.text().catch(() => '')).slice(0, 300).trim()
      throw new RegistryHttpError(`${method} ${url.pathname} answered ${response.status}${text ? `: ${text}` : ''}`, response.status)
    }
    return response
  }

  private basic(): string | undefined {
    const {username, password} = this.credentials
    if (username === undefined || password === undefined) return undefined
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  }

  /** A token from the challenge's realm for its scope (or the one this request needs), with the login when there is one. */
  private async token(params: Record<string, string>, scope: string | undefined): Promise<string> {
    const realm = params.realm
    if (!realm) throw new RegistryHttpError('The registry asked for a Bearer token but named no realm to get it from.', 401)
    const scopes = (scope ?? params.scope ?? '').split(' ').filter(Boolean)
    const key = `${realm}\n${params.service ?? ''}\n${scopes.join(' ')}`
    const held = this.tokens.get(key)
    if (held) return held
    const url = new URL(realm)
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) throw new RegistryError(`Refusing to ask for a registry token over plain HTTP at ${url.host}.`)
    if (params.service) url.searchParams.set('service', params.service)
    for (const s of scopes) url.searchParams.append('scope', s)
    const basic = this.basic()
    let response: HttpAnswer
    try {
      response = await httpAnswer(url, {method: 'GET', headers: basic ? {authorization: basic} : {}, signal: AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(this.signal ? [this.signal] : [])])})
    } catch (error) {
      throw new RegistryHttpError(`Cannot reach the registry's token service at ${url.origin} (${(error as Error).message}).`, undefined)
    }
    if (!response.ok) throw new RegistryHttpError(`The registry's token service ${url.origin} answered ${response.status}`, response.status === 403 ? 401 : response.status)
    const answer = JSON.parse(await response.text()) as {token?: string; access_token?: string}
    const token = answer.token ?? answer.access_token
    if (!token) throw new RegistryHttpError(`The registry's token service ${url.origin} answered without a token.`, 401)
    this.tokens.set(key, token)
    this.bearer = token
    return token
  }
}

/** `Bearer realm="…",service="…",scope="…"` taken apart. */
export function parseChallenge(header: string): {scheme: string; params: Record<string, string>} | undefined {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header)
  if (!match) return undefined
  const params: Record<string, string> = {}
  for (const part of match[2].matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) params[part[1].toLowerCase()] = part[2] ?? part[3] ?? ''
  return {scheme: match[1].toLowerCase(), params}
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
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
