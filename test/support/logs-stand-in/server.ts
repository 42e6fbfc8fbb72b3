import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'
import type {SigningIdentity} from '../ecr-stand-in/sigv4.js'
import {HttpStandIn, type InjectedFailure, type StandInRequest} from '../stand-in-http.js'

const TARGET_PREFIX = 'Logs_20140328.'

export interface StandInLogEvent {
  logStreamName: string
  timestamp: number
  message: string
  ingestionTime: number
  eventId: string
}

export interface LogsStandInOptions {
  identity: Omit<SigningIdentity, 'service'>
  /** Events per FilterLogEvents page (CloudWatch's is up to 10,000), small to make tests page. */
  pageSize?: number
}

/**
 * Amazon CloudWatch Logs' JSON 1.1 API for FilterLogEvents over real HTTP, SigV4 checked. The
 * Lambda stand-in writes its functions' log lines here, as Lambda does for a role allowed to.
 */
export class LogsStandIn extends HttpStandIn {
  readonly groups = new Map<string, StandInLogEvent[]>()
  /** Events per FilterLogEvents page; a test lowers it to make clients page. */
  pageSize: number
  private sequence = 0

  constructor(options: LogsStandInOptions) {
    super({...options.identity, service: 'logs'})
    this.pageSize = options.pageSize ?? 10_000
  }

  /** What Lambda does with a function's output: the group created on first use, one event per line. */
  put(group: string, stream: string, lines: {timestamp: number; message: string}[]): void {
    const events = this.groups.get(group) ?? []
    this.groups.set(group, events)
    for (const line of lines) {
      this.sequence += 1
      events.push({logStreamName: stream, timestamp: line.timestamp, message: line.message, ingestionTime: Date.now(), eventId: String(this.sequence).padStart(20, '0')})
    }
  }

  protected operationOf(request: StandInRequest): string {
    const target = String(request.headers['x-amz-target'] ?? '')
    return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target
  }

  protected async handle(operation: string, request: StandInRequest, res: ServerResponse): Promise<void> {
    let body: Record<string, unknown>
    try {
      body = JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>
    } catch {
      return this.reply(res, operation, {}, 400, {__type: 'SerializationException', message: 'Body is not JSON'})
    }
    if (!String(request.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) {
      return this.reply(res, operation, body, 400, {__type: 'SerializationException', message: 'Expected Content-Type application/x-amz-json-1.1'})
    }
    if (operation !== 'FilterLogEvents') return this.reply(res, operation, body, 400, {__type: 'UnknownOperationException', message: `The stand-in does not implement ${operation}`})
    const events = this.groups.get(String(body.logGroupName))
    if (!events) return this.reply(res, operation, body, 400, {__type: 'ResourceNotFoundException', message: 'The specified log group does not exist.'})
    const start = typeof body.startTime === 'number' ? body.startTime : 0
    const end = typeof body.endTime === 'number' ? body.endTime : Number.POSITIVE_INFINITY
    const matching = events.filter((e) => e.timestamp >= start && e.timestamp <= end).sort((a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : 1))
    const offset = typeof body.nextToken === 'string' ? Number(body.nextToken) : 0
    const size = this.pageSize
    const page = matching.slice(offset, offset + size)
    const more = offset + size < matching.length
    return this.reply(res, operation, body, 200, {events: page, searchedLogStreams: [], ...(more ? {nextToken: String(offset + size)} : {})})
  }

  protected answerError(res: ServerResponse, _operation: string, failure: InjectedFailure): void {
    send(res, failure.status ?? 400, {__type: failure.type, message: failure.message})
  }

  private reply(res: ServerResponse, operation: string, body: Record<string, unknown>, status: number, payload: Record<string, unknown>): void {
    this.record(operation, body, status)
    send(res, status, payload)
  }
}

function send(res: ServerResponse, status: number, payload: Record<string, unknown>): void {
  const text = JSON.stringify(payload)
  res.writeHead(status, {'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID()})
  res.end(text)
}
