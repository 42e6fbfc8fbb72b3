import {type IncomingMessage, request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'
import type {Readable} from 'node:stream'
import {buffer} from 'node:stream/consumers'

/** A registry's answer: its status and headers, and the body read once, whole or as a stream. */
export interface HttpAnswer {
  readonly status: number
  readonly ok: boolean
  readonly url: URL
  header(name: string): string | undefined
  bytes(): Promise<Buffer>
  text(): Promise<string>
  /** The body as it arrives, for the caller to consume. */
  stream(): Readable
}

export interface HttpCall {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE'
  headers: Record<string, string>
  body?: Buffer
  signal?: AbortSignal
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5

/**
 * One HTTP request over node:http or node:https, following redirects as fetch does, and
 * dropping Authorization when one leaves the origin (ECR answers a blob GET with an S3
 * URL). Not fetch: its HTTP parser is WebAssembly, whose compilation costs a call about
 * 25 ms on first use and, still tiering up in the background, holds the process's exit for
 * 60 to 100 ms more; a `limg push` makes one or two registry requests.
 */
export async function httpAnswer(url: URL, call: HttpCall): Promise<HttpAnswer> {
  let target = url
  let {method, body} = call
  let headers = {...call.headers}
  for (let hops = 0; ; hops++) {
    const response = await send(target, {method, headers, ...(body ? {body} : {}), ...(call.signal ? {signal: call.signal} : {})})
    const location = response.headers.location
    // A HEAD answer has no body to read, but its socket returns to the pool only once it ends.
    if (method === 'HEAD') response.resume()
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location || hops === MAX_REDIRECTS) return answerOf(target, response)
    response.resume()
    const next = new URL(location, target)
    if (next.origin !== target.origin) {
      const {authorization: _, ...rest} = headers
      headers = rest
    }
    // As fetch: a 303, or a 301/302 to a POST, continues as a GET without the body.
    if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
      method = 'GET'
      body = undefined
      const {'content-type': _, ...rest} = headers
      headers = rest
    }
    target = next
  }
}

function send(url: URL, call: HttpCall): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers = {...call.headers, ...(call.body ? {'content-length': String(call.body.length)} : {})}
    const options = {method: call.method, headers, ...(call.signal ? {signal: call.signal} : {})}
    const req = url.protocol === 'http:' ? httpRequest(url, options) : httpsRequest(url, options)
    req.on('response', resolve)
    req.on('error', reject)
    req.end(call.body)
  })
}

function answerOf(url: URL, response: IncomingMessage): HttpAnswer {
  const status = response.statusCode ?? 0
  const bytes = (): Promise<Buffer> => buffer(response)
  return {
    status,
    ok: status >= 200 && status < 300,
    url,
    header: (name) => {
      const value = response.headers[name.toLowerCase()]
      return Array.isArray(value) ? value.join(', ') : value
    },
    bytes,
    text: async () => (await bytes()).toString('utf8'),
    stream: () => response,
  }
}
