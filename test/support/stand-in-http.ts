import {EventEmitter} from 'node:events'
import {type IncomingMessage, type Server, type ServerResponse, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {type SigningIdentity, verifySigV4} from './ecr-stand-in/sigv4.js'

/** A call a stand-in answered, for tests to look at. */
export interface StandInCall {
  operation: string
  body: Record<string, unknown>
  status: number
}

/** An error a stand-in answers with instead of doing the work; `times` calls, or forever. */
export interface InjectedFailure {
  type: string
  message: string
  status?: number
  times?: number
}

export interface StandInRequest {
  method: string
  url: URL
  headers: IncomingMessage['headers']
  body: Buffer
}

/**
 * What the stand-ins for AWS's services share: a real HTTP server on a loopback port, every
 * request's SigV4 signature checked for the expected key, region and service before anything
 * else, the calls recorded (each one also a 'request' event, for tests to wait on), and failures
 * injected by operation name.
 */
export abstract class HttpStandIn extends EventEmitter {
  readonly calls: StandInCall[] = []
  readonly failures = new Map<string, InjectedFailure>()
  private server: Server | undefined

  protected constructor(protected readonly identity: SigningIdentity) {
    super()
  }

  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_<SERVICE>. */
  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | undefined
    if (!address) throw new Error(`The ${this.identity.service} stand-in is not listening.`)
    return `http://127.0.0.1:${address.port}`
  }

  operations(): string[] {
    return this.calls.map((c) => c.operation)
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.receive(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.answerError(res, 'stand-in', {type: 'ServiceException', message: String(error), status: 500})
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  /** Which operation a request is, from its path, target header or form. */
  protected abstract operationOf(request: StandInRequest): string
  /** Does the work; may answer with `answer` or `answerError`. */
  protected abstract handle(operation: string, request: StandInRequest, res: ServerResponse): Promise<void>
  /** Writes an error in the service's own wire format. */
  protected abstract answerError(res: ServerResponse, operation: string, failure: InjectedFailure): void

  /** Records a call, for tests. */
  protected record(operation: string, body: Record<string, unknown>, status: number): void {
    const call = {operation, body, status}
    this.calls.push(call)
    this.emit('request', call)
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const request: StandInRequest = {method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://stand-in'), headers: req.headers, body}
    const operation = this.operationOf(request)
    const check = verifySigV4(request.method, req.url ?? '/', req.headers, body, this.identity)
    if (!check.ok) {
      this.record(operation, {}, 403)
      return this.answerError(res, operation, {type: check.type, message: check.message, status: 403})
    }
    const failure = this.failures.get(operation)
    if (failure) {
      if (failure.times !== undefined && --failure.times <= 0) this.failures.delete(operation)
      this.record(operation, {}, failure.status ?? 400)
      return this.answerError(res, operation, failure)
    }
    await this.handle(operation, request, res)
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
