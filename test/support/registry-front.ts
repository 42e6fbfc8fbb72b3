import {randomBytes} from 'node:crypto'
import {EventEmitter, once} from 'node:events'
import {type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'

/** One request the front saw, as the tests wait on them. */
export interface FrontRequest {
  method: string
  /** Path without the query. */
  path: string
  query: string
  /** The status the front or the registry answered, once known. */
  status?: number
}

/** A token the front accepts as ECR's registry does: a password, valid until `expiresAt`. */
export interface FrontToken {
  password: string
  expiresAt: Date
}

export interface RegistryFrontOptions {
  /** The registry behind the front: its port, and the password its htpasswd holds for AWS. */
  target: {port: number; password: string}
  /**
   * Check Basic auth against tokens the front issued ({@link RegistryFront.issue}), with
   * ECR's answers: 401 for an unknown one, 403 DENIED for an expired one. Off: the client's
   * Authorization goes to the registry unchanged.
   */
  tokens?: boolean
}

/** ECR's answer to a request with an expired token, as the engine relays it. */
export const EXPIRED_TOKEN_MESSAGE = 'Your authorization token has expired. Reauthenticate and try again.'

/**
 * An HTTP front for a test registry, standing where ECR's registry endpoint would: it counts
 * the bytes clients send (what a push costs on the wire), reports each request as an event,
 * can hold an upload mid-body until the test lets it go, and can act as ECR's token check.
 * When the registry behind it is down, clients see their connection reset, as they would.
 */
export class RegistryFront extends EventEmitter<{request: [FrontRequest]; answered: [FrontRequest]; 'body-bytes': [FrontRequest, number]}> {
  readonly requests: FrontRequest[] = []
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  private readonly tokens = new Map<string, FrontToken>()
  private sentBytes = 0
  private hold: {afterBytes: number; match: (r: FrontRequest) => boolean; held: (r: FrontRequest) => void; released: Promise<void>} | undefined

  constructor(private readonly options: RegistryFrontOptions) {
    super()
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.forward(req, res))
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('data', (chunk: Buffer) => (this.sentBytes += chunk.length))
      socket.on('close', () => this.sockets.delete(socket))
    })
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    return this
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port
  }

  /** `http://127.0.0.1:<port>`, the proxyEndpoint ECR hands out. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get host(): string {
    return `127.0.0.1:${this.port}`
  }

  /** Every byte clients have sent so far, headers included, as TCP carried them. */
  get bytesSent(): number {
    return this.sentBytes
  }

  /** A new token, valid for `lifetimeMs`. */
  issue(lifetimeMs = 12 * 3600 * 1000): FrontToken {
    const token = {password: randomBytes(18).toString('base64url'), expiresAt: new Date(Date.now() + lifetimeMs)}
    this.tokens.set(token.password, token)
    return token
  }

  /** Every token issued so far runs out now, as one would during a long upload. */
  expireAll(): void {
    const now = new Date()
    for (const token of this.tokens.values()) token.expiresAt = now
  }

  /** Resolves with the first request, past or future, that `match` accepts. */
  waitForRequest(match: (r: FrontRequest) => boolean, what: string, timeoutMs = 120_000): Promise<FrontRequest> {
    return this.waitFor('request', match, what, timeoutMs)
  }

  /** Resolves with the first answered request, past or future, that `match` accepts. */
  waitForAnswer(match: (r: FrontRequest) => boolean, what: string, timeoutMs = 120_000): Promise<FrontRequest> {
    return this.waitFor('answered', match, what, timeoutMs)
  }

  /**
   * Stops reading the body of the first request `match` accepts once `afterBytes` of it have
   * arrived: `held` resolves then, and the upload waits until `release()` is called.
   */
  holdUpload(match: (r: FrontRequest) => boolean, afterBytes: number, timeoutMs = 120_000): {held: Promise<FrontRequest>; release: () => void} {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const held = new Promise<FrontRequest>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No upload of ${afterBytes} bytes reached the front within ${timeoutMs} ms; it saw: ${this.seen()}`)), timeoutMs)
      this.hold = {
        afterBytes,
        match,
        released,
        held: (r) => {
          clearTimeout(timer)
          resolve(r)
        },
      }
    })
    return {held, release}
  }

  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  private seen(): string {
    return this.requests.map((r) => `${r.method} ${r.path} ${r.status ?? '-'}`).join(', ')
  }

  private waitFor(event: 'request' | 'answered', match: (r: FrontRequest) => boolean, what: string, timeoutMs: number): Promise<FrontRequest> {
    const seen = this.requests.find((r) => (event === 'request' || r.status !== undefined) && match(r))
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, listener)
        reject(new Error(`The front saw no ${what} within ${timeoutMs} ms; it saw: ${this.seen()}`))
      }, timeoutMs)
      const listener = (r: FrontRequest): void => {
        if (!match(r)) return
        clearTimeout(timer)
        this.off(event, listener)
        resolve(r)
      }
      this.on(event, listener)
    })
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://front')
    const seen: FrontRequest = {method: req.method ?? 'GET', path: url.pathname, query: url.search}
    this.requests.push(seen)
    this.emit('request', seen)
    const answer = (status: number): void => {
      seen.status = status
      this.emit('answered', seen)
    }
    const headers = {...req.headers}
    if (this.options.tokens) {
      const refusal = this.checkToken(req.headers.authorization)
      if (refusal) {
        req.resume()
        res.writeHead(refusal.status, {'content-type': 'application/json', 'www-authenticate': 'Basic realm="limg-test"', 'docker-distribution-api-version': 'registry/2.0'})
        res.end(JSON.stringify({errors: [{code: refusal.code, message: refusal.message, detail: null}]}))
        answer(refusal.status)
        return
      }
      if (headers.authorization) headers.authorization = `Basic ${Buffer.from(`AWS:${this.options.target.password}`).toString('base64')}`
    }
    // The Host header goes on unchanged, so the registry's Location URLs keep pointing here.
    const upstream = httpRequest({host: '127.0.0.1', port: this.options.target.port, method: req.method, path: req.url, headers, agent: false}, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers)
      reply.pipe(res)
      reply.on('end', () => answer(reply.statusCode ?? 502))
      reply.on('error', () => req.socket.destroy())
    })
    // A registry that is gone or dies mid-request: the client's connection breaks, as without a front.
    upstream.on('error', () => req.socket.destroy())
    // Forwarded by hand rather than piped, so that a held upload stays paused until released.
    let bodyBytes = 0
    let held = false
    let waitingForDrain = false
    const hold = this.hold && this.hold.match(seen) ? this.hold : undefined
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length
      this.emit('body-bytes', seen, bodyBytes)
      if (!upstream.write(chunk)) {
        waitingForDrain = true
        req.pause()
      }
      if (hold && this.hold === hold && bodyBytes >= hold.afterBytes) {
        this.hold = undefined
        held = true
        req.pause()
        hold.held(seen)
        void hold.released.then(() => {
          held = false
          if (!waitingForDrain) req.resume()
        })
      }
    })
    upstream.on('drain', () => {
      waitingForDrain = false
      if (!held) req.resume()
    })
    req.on('end', () => upstream.end())
  }

  private checkToken(authorization: string | undefined): {status: number; code: string; message: string} | undefined {
    const unauthorized = {status: 401, code: 'UNAUTHORIZED', message: 'authentication required'}
    if (!authorization?.startsWith('Basic ')) return unauthorized
    const decoded = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8')
    const token = decoded.startsWith('AWS:') ? this.tokens.get(decoded.slice('AWS:'.length)) : undefined
    if (!token) return unauthorized
    if (token.expiresAt.getTime() <= Date.now()) return {status: 403, code: 'DENIED', message: EXPIRED_TOKEN_MESSAGE}
    return undefined
  }
}
