import {randomUUID} from 'node:crypto'
import {type IncomingMessage, type Server, type ServerResponse, createServer} from 'node:http'
import {buffer} from 'node:stream/consumers'
import type {AddressInfo} from 'node:net'
import {LocalRunError} from '../errors/index.js'
import {MAX_SYNC_REQUEST_BYTES} from '../invoke/event.js'
import {classifyReply, type RawReply} from '../invoke/outcome.js'
import {LOOPBACK} from '../run/emulator.js'
import {type FrontRequest, type PayloadFormat, frontDoorEvent} from './http-event.js'
import {type FrontResponse, frontDoorResponse} from './http-result.js'
import {StreamedResponse} from './streamed-response.js'
import {HTTP_INTEGRATION_CONTENT_TYPE, type StreamSink} from '../invoke/streamed.js'

// A JSON result never holds a raw NUL (JSON escapes it), so eight of them can only be a
// streamed response's prelude delimiter.
const BUFFERED_PRELUDE = '\0'.repeat(8)

/** Sends one event to the function and answers how it went (a streamed answer also to `sink`, as it comes). */
export type Invoker = (event: Buffer, sink?: StreamSink) => Promise<RawReply>

/** One request the front door answered, for the access log. */
export interface FrontDoorRequestEvent {
  method: string
  url: string
  statusCode: number
  durationMs: number
  outcome: string
}

export interface FrontDoorOptions {
  format: PayloadFormat
  /** 0 picks a free port. */
  port: number
  invoke: Invoker
  onRequest?: (event: FrontDoorRequestEvent) => void
}

export interface FrontDoor {
  port: number
  url: string
  close(): Promise<void>
}

/**
 * A local HTTP front door on 127.0.0.1: each request becomes the event of a function URL or
 * HTTP API (2.0) or of a REST API proxy (1.0), goes to the running function through `invoke`,
 * and its result is mapped back as that front door maps it.
 */
export async function openFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const server = createServer((req, res) => void answer(options, req, res))
  // A request may legitimately wait for a function of 15 minutes.
  server.requestTimeout = 0
  server.headersTimeout = 60_000
  server.keepAliveTimeout = 5_000
  await listen(server, options.port)
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://${LOOPBACK}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new LocalRunError(`Port ${port} on ${LOOPBACK} is already in use, so the HTTP front door cannot listen there.`, 'Choose another with --http PORT, or --http 0 for a free one.', {cause: error}))
      else reject(new LocalRunError(`The HTTP front door cannot listen on ${LOOPBACK}:${port}: ${error.message}.`, 'Choose another port with --http.', {cause: error}))
    })
    server.listen(port, LOOPBACK, () => resolve())
  })
}

async function answer(options: FrontDoorOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now()
  let response: FrontResponse
  let outcome: string
  try {
    const body = await buffer(req)
    const request: FrontRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? LOOPBACK,
      protocol: `HTTP/${req.httpVersion}`,
      time: new Date(),
      requestId: randomUUID(),
    }
    const event = Buffer.from(JSON.stringify(frontDoorEvent(options.format, request)))
    if (event.length > MAX_SYNC_REQUEST_BYTES) {
      // What Lambda answers before the function runs: the event is over its synchronous limit.
      outcome = 'too-large'
      response = {statusCode: 413, headers: [['content-type', 'application/json']], body: Buffer.from(JSON.stringify({message: 'Request Entity Too Large'}))}
    } else {
      const streamed = new StreamedResponse(res, options.format)
      const reply = await options.invoke(event, streamed)
      const classified = classifyReply(reply)
      outcome = classified.outcome
      if ('streamed' in reply && reply.streamed) {
        streamed.finish(reply.streamed.error)
        options.onRequest?.({method: req.method ?? 'GET', url: req.url ?? '/', statusCode: streamed.statusCode, durationMs: Math.round(performance.now() - started), outcome: `${outcome}, streamed`})
        return
      }
      if (classified.outcome === 'success' && 'body' in reply && reply.body.includes(BUFFERED_PRELUDE)) {
        // AWS's emulator buffers a streamed response whole, prelude and all: map it the same way.
        streamed.onStart(HTTP_INTEGRATION_CONTENT_TYPE)
        streamed.onChunk(Buffer.from(reply.body, 'utf8'))
        streamed.finish(undefined)
        options.onRequest?.({method: req.method ?? 'GET', url: req.url ?? '/', statusCode: streamed.statusCode, durationMs: Math.round(performance.now() - started), outcome: `${outcome}, buffered stream`})
        return
      }
      response = frontDoorResponse(options.format, classified, 'body' in reply ? reply.body : '')
    }
  } catch (error) {
    outcome = `failed: ${(error as Error).message}`
    response = frontDoorResponse(options.format, {outcome: 'emulator-failure', functionError: null, statusCode: null, payload: null}, '')
  }
  send(res, response)
  options.onRequest?.({method: req.method ?? 'GET', url: req.url ?? '/', statusCode: response.statusCode, durationMs: Math.round(performance.now() - started), outcome})
}

function send(res: ServerResponse, response: FrontResponse): void {
  if (res.destroyed) return
  // A stream that failed after its status went out can only be cut short.
  if (res.headersSent) return void res.destroy()
  const flat: string[] = []
  // The length is the body's as sent; a function's own framing headers would contradict it.
  for (const [name, value] of response.headers) if (!/^(content-length|transfer-encoding|connection)$/i.test(name)) flat.push(name, value)
  flat.push('content-length', String(response.body.length))
  res.writeHead(response.statusCode, flat)
  res.end(response.body)
}
