import type {ServerResponse} from 'node:http'
import {HTTP_INTEGRATION_CONTENT_TYPE, PRELUDE_DELIMITER, type StreamSink, type StreamedInfo} from '../invoke/streamed.js'
import type {PayloadFormat} from './http-event.js'
import {internalError} from './http-result.js'

/**
 * A streamed function response passed to the HTTP client as it arrives, as a function URL
 * passes it: with `awslambda.HttpResponseStream` the JSON prelude (statusCode, headers,
 * cookies) before eight NUL bytes sets the status and headers, the rest is the body; without
 * it the answer is a 200 of the stream's content type. An error before anything was sent is the
 * front door's 502; after, the connection is cut, so the client sees an incomplete body.
 */
export class StreamedResponse implements StreamSink {
  private prelude: Buffer | undefined
  statusCode = 200

  constructor(
    private readonly res: ServerResponse,
    private readonly format: PayloadFormat,
  ) {}

  onStart(contentType: string): void {
    this.res.socket?.setNoDelay(true)
    if (contentType.split(';')[0].trim().toLowerCase() === HTTP_INTEGRATION_CONTENT_TYPE) this.prelude = Buffer.alloc(0)
    else this.head(200, [['content-type', contentType]])
  }

  onChunk(chunk: Buffer): void {
    if (this.res.destroyed) return
    if (!this.prelude) {
      this.res.write(chunk)
      return
    }
    this.prelude = Buffer.concat([this.prelude, chunk])
    const end = this.prelude.indexOf(PRELUDE_DELIMITER)
    if (end < 0) return
    const metadata = parsePrelude(this.prelude.subarray(0, end))
    const rest = this.prelude.subarray(end + PRELUDE_DELIMITER.length)
    this.prelude = undefined
    if (!metadata) {
      this.fail()
      return
    }
    this.head(metadata.statusCode, metadata.headers)
    if (rest.length > 0) this.res.write(rest)
  }

  /** The stream ended: cleanly, or with the function's error. */
  finish(error: StreamedInfo['error']): void {
    if (this.res.destroyed) return
    // A prelude that never ended is not a response a function URL can give.
    if (error || this.prelude) return this.fail()
    if (!this.res.headersSent) this.head(200, [])
    this.res.end()
  }

  private fail(): void {
    if (this.res.headersSent) {
      this.res.destroy()
      return
    }
    const answer = internalError(this.format)
    this.statusCode = answer.statusCode
    this.res.writeHead(answer.statusCode, [...answer.headers.flat(), 'content-length', String(answer.body.length)])
    this.res.end(answer.body)
  }

  private head(statusCode: number, headers: Array<[string, string]>): void {
    this.statusCode = statusCode
    const flat: string[] = []
    for (const [name, value] of headers) if (!/^(content-length|transfer-encoding|connection)$/i.test(name)) flat.push(name, value)
    this.res.writeHead(statusCode, flat)
    // Sent now, before any body: the client learns the status as soon as the function says it.
    this.res.flushHeaders()
  }
}

function parsePrelude(bytes: Buffer): {statusCode: number; headers: Array<[string, string]>} | undefined {
  let prelude: unknown
  try {
    prelude = JSON.parse(bytes.toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof prelude !== 'object' || prelude === null || Array.isArray(prelude)) return undefined
  const p = prelude as {statusCode?: unknown; headers?: unknown; cookies?: unknown}
  const statusCode = p.statusCode === undefined ? 200 : Number(p.statusCode)
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined
  const headers: Array<[string, string]> = []
  if (typeof p.headers === 'object' && p.headers !== null) {
    for (const [name, value] of Object.entries(p.headers)) if (value !== undefined && value !== null) headers.push([name.toLowerCase(), String(value)])
  }
  if (Array.isArray(p.cookies)) for (const cookie of p.cookies) if (typeof cookie === 'string') headers.push(['set-cookie', cookie])
  return {statusCode, headers}
}
