import {randomUUID} from 'node:crypto'

/** The two payload formats of Lambda's HTTP front doors. */
export type PayloadFormat = '2.0' | '1.0'
export const PAYLOAD_FORMATS: readonly PayloadFormat[] = ['2.0', '1.0']

/** One HTTP request as it reached the front door, before any mapping. */
export interface FrontRequest {
  method: string
  /** The request target as sent: path and query, still escaped. */
  url: string
  /** Header names and values in the order they came, names as the client wrote them (Node's rawHeaders). */
  rawHeaders: string[]
  body: Buffer
  sourceIp: string
  /** `HTTP/1.1` */
  protocol: string
  /** When the request arrived. */
  time: Date
  /** An id for the request, as API Gateway gives each one. */
  requestId?: string
}

// What Lambda's front doors pass as text; anything else (or no type at all) is base64-encoded,
// as function URLs do, so an image or a protobuf survives the trip through JSON.
const TEXT_TYPES = [/^text\//, /^application\/(?:[\w.+-]+\+)?json\b/, /^application\/(?:[\w.+-]+\+)?xml\b/, /^application\/javascript\b/, /^application\/x-www-form-urlencoded\b/, /^application\/graphql\b/, /^application\/yaml\b/]

export function isTextContent(contentType: string | undefined): boolean {
  const type = (contentType ?? '').trim().toLowerCase()
  return type !== '' && TEXT_TYPES.some((pattern) => pattern.test(type))
}

// The placeholders an AWS event carries where a local request has nothing real to give.
const ACCOUNT_ID = '123456789012'
const API_ID = 'limg-local'

/** `12/Mar/2020:19:03:58 +0000`, the request time as API Gateway writes it. */
export function clfTime(time: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(time.getUTCDate())}/${months[time.getUTCMonth()]}/${time.getUTCFullYear()}:${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())} +0000`
}

interface ParsedTarget {
  path: string
  rawQuery: string
  /** Each query parameter's values in order, names and values decoded. */
  query: Map<string, string[]>
}

function parseTarget(url: string): ParsedTarget {
  const question = url.indexOf('?')
  const rawPath = question < 0 ? url : url.slice(0, question)
  const rawQuery = question < 0 ? '' : url.slice(question + 1)
  const query = new Map<string, string[]>()
  for (const [name, value] of new URLSearchParams(rawQuery)) query.set(name, [...(query.get(name) ?? []), value])
  return {path: decodePath(rawPath || '/'), rawQuery, query}
}

// API Gateway hands the function the path decoded; a malformed escape is passed as written.
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

/** Headers grouped by name: lower-cased for 2.0, as written for 1.0 (REST APIs keep the client's case). */
function groupHeaders(rawHeaders: string[], lowerCase: boolean): Map<string, string[]> {
  const grouped = new Map<string, string[]>()
  const spelling = new Map<string, string>()
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i].toLowerCase()
    const name = lowerCase ? lower : (spelling.get(lower) ?? rawHeaders[i])
    spelling.set(lower, name)
    grouped.set(name, [...(grouped.get(name) ?? []), rawHeaders[i + 1]])
  }
  return grouped
}

function headerValue(rawHeaders: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) return rawHeaders[i + 1]
  return undefined
}

function encodedBody(request: FrontRequest): {body?: string; isBase64Encoded: boolean} {
  if (request.body.length === 0) return {isBase64Encoded: false}
  if (isTextContent(headerValue(request.rawHeaders, 'content-type'))) return {body: request.body.toString('utf8'), isBase64Encoded: false}
  return {body: request.body.toString('base64'), isBase64Encoded: true}
}

/**
 * The event a function URL or an API Gateway HTTP API (payload format 2.0) gives the function:
 * headers lower-cased with repeats joined by commas, cookies in their own list (and not among
 * the headers), query parameters with repeats joined by commas, a body only when there is one.
 */
export function httpApiEvent(request: FrontRequest): Record<string, unknown> {
  const target = parseTarget(request.url)
  const headers = groupHeaders(request.rawHeaders, true)
  const cookies = (headers.get('cookie') ?? []).flatMap((value) => value.split(';')).map((c) => c.trim()).filter((c) => c !== '')
  headers.delete('cookie')
  const {body, isBase64Encoded} = encodedBody(request)
  const requestId = request.requestId ?? randomUUID()
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: target.path,
    rawQueryString: target.rawQuery,
    ...(cookies.length > 0 ? {cookies} : {}),
    headers: Object.fromEntries([...headers].map(([name, values]) => [name, values.join(',')])),
    ...(target.query.size > 0 ? {queryStringParameters: Object.fromEntries([...target.query].map(([name, values]) => [name, values.join(',')]))} : {}),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      domainName: headers.get('host')?.[0] ?? 'localhost',
      domainPrefix: API_ID,
      http: {
        method: request.method,
        path: target.path,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers.get('user-agent')?.join(',') ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(request.time),
      timeEpoch: request.time.getTime(),
    },
    ...(body === undefined ? {} : {body}),
    isBase64Encoded,
  }
}

/**
 * The event an API Gateway REST API's proxy integration (payload format 1.0) gives the
 * function, as for a `/{proxy+}` resource: `headers` and `queryStringParameters` with the last
 * value of each, `multiValueHeaders` and `multiValueQueryStringParameters` with all of them,
 * and null where there is nothing.
 */
export function restApiEvent(request: FrontRequest): Record<string, unknown> {
  const target = parseTarget(request.url)
  const headers = groupHeaders(request.rawHeaders, false)
  const {body, isBase64Encoded} = encodedBody(request)
  const last = (values: string[]): string => values[values.length - 1]
  const requestId = request.requestId ?? randomUUID()
  const proxy = target.path.replace(/^\/+/, '')
  const resource = proxy === '' ? '/' : '/{proxy+}'
  const lookup = (name: string): string | undefined => [...headers].find(([key]) => key.toLowerCase() === name)?.[1][0]
  return {
    version: '1.0',
    resource,
    path: target.path,
    httpMethod: request.method,
    headers: headers.size > 0 ? Object.fromEntries([...headers].map(([name, values]) => [name, last(values)])) : null,
    multiValueHeaders: headers.size > 0 ? Object.fromEntries(headers) : null,
    queryStringParameters: target.query.size > 0 ? Object.fromEntries([...target.query].map(([name, values]) => [name, last(values)])) : null,
    multiValueQueryStringParameters: target.query.size > 0 ? Object.fromEntries(target.query) : null,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      domainName: lookup('host') ?? 'localhost',
      domainPrefix: API_ID,
      extendedRequestId: requestId,
      httpMethod: request.method,
      identity: {sourceIp: request.sourceIp, userAgent: lookup('user-agent') ?? null},
      path: target.path,
      protocol: request.protocol,
      requestId,
      requestTime: clfTime(request.time),
      requestTimeEpoch: request.time.getTime(),
      resourceId: API_ID,
      resourcePath: resource,
      stage: '$default',
    },
    pathParameters: resource === '/' ? null : {proxy},
    stageVariables: null,
    body: body ?? null,
    isBase64Encoded,
  }
}

export function frontDoorEvent(format: PayloadFormat, request: FrontRequest): Record<string, unknown> {
  return format === '2.0' ? httpApiEvent(request) : restApiEvent(request)
}
