import type {Classified} from '../invoke/outcome.js'
import type {PayloadFormat} from './http-event.js'

/** What the front door answers the HTTP client. */
export interface FrontResponse {
  statusCode: number
  /** In order; a name may repeat (Set-Cookie). */
  headers: Array<[string, string]>
  body: Buffer
}

const JSON_TYPE: [string, string] = ['content-type', 'application/json']

/**
 * The front doors' own answer when the function fails (throws, times out, cannot start) or
 * returns what they cannot read: a function URL or HTTP API says "Internal Server Error", a
 * REST API "Internal server error", both with 502.
 */
export function internalError(format: PayloadFormat): FrontResponse {
  const message = format === '2.0' ? 'Internal Server Error' : 'Internal server error'
  return {statusCode: 502, headers: [JSON_TYPE], body: Buffer.from(JSON.stringify({message}))}
}

/** The HTTP answer for an invocation's outcome, as the front door of `format` maps it. */
export function frontDoorResponse(format: PayloadFormat, classified: Classified, rawBody: string): FrontResponse {
  if (classified.outcome !== 'success') return internalError(format)
  return (format === '2.0' ? httpApiResponse(classified.payload, rawBody) : restApiResponse(classified.payload)) ?? internalError(format)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function validStatus(value: unknown): number | undefined {
  const status = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined
}

function decodeBody(body: unknown, isBase64Encoded: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0)
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8')
}

/**
 * Payload format 2.0: an object with `statusCode` is the response (`headers`, `cookies` as
 * Set-Cookie, `body`, `isBase64Encoded`); anything else the function returns (an object
 * without `statusCode`, a string, a number, null) is a 200 `application/json` answer whose
 * body is what it returned, a string as the string itself.
 */
function httpApiResponse(payload: unknown, rawBody: string): FrontResponse | undefined {
  if (!isObject(payload) || !('statusCode' in payload)) {
    const body = typeof payload === 'string' ? payload : rawBody
    return {statusCode: 200, headers: [JSON_TYPE], body: Buffer.from(body, 'utf8')}
  }
  const statusCode = validStatus(payload.statusCode)
  if (statusCode === undefined) return undefined
  const body = decodeBody(payload.body, payload.isBase64Encoded)
  const headers: Array<[string, string]> = []
  if (isObject(payload.headers)) {
    for (const [name, value] of Object.entries(payload.headers)) {
      const text = scalar(value)
      if (text !== undefined) headers.push([name.toLowerCase(), text])
    }
  }
  if (Array.isArray(payload.cookies)) for (const cookie of payload.cookies) if (typeof cookie === 'string') headers.push(['set-cookie', cookie])
  return {statusCode, headers, body}
}

/**
 * Payload format 1.0 (a REST API's proxy integration): the function must return an object with
 * `statusCode`, and may give `headers` and `multiValueHeaders` (both are sent, the multi-value
 * ones first), `body` and `isBase64Encoded`; anything else is a malformed proxy response, 502.
 */
function restApiResponse(payload: unknown): FrontResponse | undefined {
  if (!isObject(payload)) return undefined
  const statusCode = validStatus(payload.statusCode)
  if (statusCode === undefined) return undefined
  // A REST API refuses a body that is not a string (or null) as a malformed proxy response.
  if (payload.body !== undefined && payload.body !== null && typeof payload.body !== 'string') return undefined
  const body = decodeBody(payload.body, payload.isBase64Encoded)
  const headers: Array<[string, string]> = []
  // API Gateway merges the two lists; a pair given in both is sent once.
  const seen = new Set<string>()
  const add = (name: string, value: unknown): void => {
    const text = scalar(value)
    const key = `${name.toLowerCase()}\n${text}`
    if (text === undefined || seen.has(key)) return
    seen.add(key)
    headers.push([name, text])
  }
  if (isObject(payload.multiValueHeaders)) {
    for (const [name, values] of Object.entries(payload.multiValueHeaders)) if (Array.isArray(values)) for (const value of values) add(name, value)
  }
  if (isObject(payload.headers)) for (const [name, value] of Object.entries(payload.headers)) add(name, value)
  return {statusCode, headers, body}
}
