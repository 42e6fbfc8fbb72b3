import {type Agent, type ClientRequest, type IncomingMessage, request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {createRequire} from 'node:module'
import type {Readable} from 'node:stream'
import {buffer} from 'node:stream/consumers'
import {abortReason} from '../util/abort.js'
import {EngineUnavailableError} from '../errors/index.js'
import {asEngineError, engineTimeoutError} from './connection.js'
import {type HostKeyCheck, knownHostsCheck} from './ssh-known-hosts.js'

/** How the Engine API is reached: its socket, TCP (TLS when certificates are given), or SSH to the engine's host. */
export type EngineTransport =
  | {socketPath: string}
  | {host: string; port: number; tls?: {ca: Buffer; cert: Buffer; key: Buffer}}
  | {ssh: {host: string; port: number; username?: string; agent?: string}}

export interface EngineRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'DELETE'
  /** The API path, `/containers/json`; unversioned, so the engine speaks its own version. */
  path: string
  /** Values in a list repeat the key (`t=a&t=b`). */
  query?: Record<string, string | number | boolean | string[] | undefined>
  /** A JSON body. */
  json?: unknown
  /** A streamed body (a build context). */
  body?: Readable
  headers?: Record<string, string>
  signal?: AbortSignal
  /** The answer's bytes as they are, not parsed (a log read to its end). */
  raw?: boolean
  /** Hears the answer's headers (the ping's, which say which engine answers). */
  onHeaders?: (headers: IncomingMessage['headers']) => void
}

/** A status the engine answered with that is not a success, and the engine's own message. */
export class EngineApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: {message?: string} | undefined,
    text: string,
  ) {
    super(json?.message ?? (text.trim() || `HTTP ${statusCode}`))
    this.name = 'EngineApiError'
  }
}

/** The engine's status code on a failed call, if the engine answered. */
export function engineStatus(error: unknown): number | undefined {
  return error instanceof EngineApiError ? error.statusCode : undefined
}

/**
 * The Docker Engine API over plain HTTP from node:http: the few calls limg makes, with
 * nothing loaded that a local socket does not need (SSH's client is loaded only for an
 * ssh:// engine). Calls that answer in one piece are bounded by `timeoutMs`; streams (build,
 * pull, push, followed logs) are not, a build step may be silent for minutes.
 */
export class EngineHttp {
  constructor(
    private readonly transport: EngineTransport,
    readonly target: string,
    private readonly timeoutMs?: number,
  ) {}

  /** A call that answers in one piece: the parsed JSON (or text) of a 2xx answer, else EngineApiError. */
  async call<T = unknown>(request: EngineRequest): Promise<T> {
    const timeout = this.timeoutMs === undefined ? undefined : AbortSignal.timeout(this.timeoutMs)
    const signal = timeout && request.signal ? AbortSignal.any([request.signal, timeout]) : (timeout ?? request.signal)
    try {
      const response = await this.send({...request, ...(signal ? {signal} : {})})
      request.onHeaders?.(response.headers)
      const bytes = await buffer(response)
      const text = bytes.toString('utf8')
      if (!isSuccess(response)) throw new EngineApiError(response.statusCode ?? 0, parseJson(text), text)
      if (request.raw) return bytes as T
      return (response.headers['content-type']?.includes('json') ? parseJson(text) : text) as T
    } catch (error) {
      if (timeout?.aborted && !request.signal?.aborted) throw engineTimeoutError(this.target, this.timeoutMs as number)
      if (request.signal?.aborted) throw abortReason(request.signal)
      throw this.failure(error)
    }
  }

  /** A streaming answer (build, pull, push, logs, events), after its status says it started. */
  async stream(request: EngineRequest): Promise<IncomingMessage> {
    let response: IncomingMessage
    try {
      response = await this.send(request)
    } catch (error) {
      if (request.signal?.aborted) throw abortReason(request.signal)
      throw this.failure(error)
    }
    if (isSuccess(response)) return response
    const text = (await buffer(response).catch(() => Buffer.alloc(0))).toString('utf8')
    throw new EngineApiError(response.statusCode ?? 0, parseJson(text), text)
  }

  private send(request: EngineRequest): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {...request.headers}
      let payload: Buffer | undefined
      if (request.json !== undefined) {
        payload = Buffer.from(JSON.stringify(request.json))
        headers['Content-Type'] = 'application/json'
        headers['Content-Length'] = String(payload.length)
      }
      const req = this.open({method: request.method, path: `${request.path}${queryString(request.query)}`, headers, ...(request.signal ? {signal: request.signal} : {})})
      req.on('response', resolve)
      req.on('error', reject)
      if (request.body) {
        request.body.on('error', (error) => req.destroy(error))
        request.body.pipe(req)
      } else req.end(payload)
    })
  }

  private open(options: {method: string; path: string; headers: Record<string, string>; signal?: AbortSignal}): ClientRequest {
    const t = this.transport
    if ('socketPath' in t) return httpRequest({...options, socketPath: t.socketPath})
    if ('ssh' in t) return httpRequest({...options, host: 'docker', agent: this.viaSsh(t.ssh)})
    if (t.tls) return httpsRequest({...options, host: t.host, port: t.port, ca: t.tls.ca, cert: t.tls.cert, key: t.tls.key})
    return httpRequest({...options, host: t.host, port: t.port})
  }

  private hostKeys: HostKeyCheck | undefined

  /** An agent whose connections are `docker system dial-stdio` on the engine's host, as the Docker CLI does over SSH. */
  private viaSsh(ssh: {host: string; port: number; username?: string; agent?: string}): Agent {
    // docker-modem's agent, over ssh2: loaded only here, it costs a tenth of a second at import.
    // Each agent carries one connection and closes with it, hence one per request.
    const sshAgent = createRequire(import.meta.url)('docker-modem/lib/ssh.js') as (options: object) => Agent
    // ssh2 takes any host key unless told otherwise; OpenSSH (and so the Docker CLI) does not.
    this.hostKeys ??= knownHostsCheck(ssh.host, ssh.port)
    const hostKeys = this.hostKeys
    return sshAgent({host: ssh.host, port: ssh.port, username: ssh.username, agent: ssh.agent, hostVerifier: (key: Buffer) => hostKeys.verify(key)})
  }

  /** A failed call in the user's terms: a refused host key, an engine that cannot be reached, or the error itself. */
  private failure(error: unknown): unknown {
    const refusal = this.hostKeys?.refusal()
    if (refusal && 'ssh' in this.transport) {
      const {host, port, username} = this.transport.ssh
      return new EngineUnavailableError(
        `limg did not connect to the SSH host ${host}${port === 22 ? '' : `:${port}`} of ${this.target}: ${refusal}.`,
        `Check its key and record it as the Docker CLI needs too, by connecting once with \`ssh ${port === 22 ? '' : `-p ${port} `}${username ? `${username}@` : ''}${host}\`.`,
        {cause: error},
      )
    }
    return asEngineError(error, this.target)
  }
}

function isSuccess(response: IncomingMessage): boolean {
  const status = response.statusCode ?? 0
  return status >= 200 && status < 300
}

function queryString(query: EngineRequest['query']): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value) params.append(key, item)
    else if (value !== undefined) params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

function parseJson(text: string): {message?: string} | undefined {
  try {
    return JSON.parse(text) as {message?: string}
  } catch {
    return undefined
  }
}
