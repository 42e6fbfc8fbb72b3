import {createHash, createHmac, timingSafeEqual} from 'node:crypto'
import type {IncomingHttpHeaders} from 'node:http'

export interface SigningIdentity {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  region: string
  service: string
}

export type SignatureCheck = {ok: true} | {ok: false; type: 'UnrecognizedClientException' | 'InvalidSignatureException' | 'MissingAuthenticationTokenException'; message: string}

const AUTH_HEADER = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/

/**
 * Checks an AWS Signature Version 4 `Authorization` header the way AWS does: the access key,
 * the scope's region and service, then the signature recomputed with the secret key over the
 * canonical request (method, path, query, signed headers, body hash).
 */
export function verifySigV4(method: string, rawUrl: string, headers: IncomingHttpHeaders, body: Buffer, identity: SigningIdentity): SignatureCheck {
  const header = headers.authorization
  if (!header) return {ok: false, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token'}
  const m = AUTH_HEADER.exec(header)
  if (!m) return {ok: false, type: 'InvalidSignatureException', message: 'Authorization header is not a SigV4 header.'}
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = m
  if (accessKeyId !== identity.accessKeyId) {
    return {ok: false, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.'}
  }
  if (region !== identity.region || service !== identity.service) {
    return {ok: false, type: 'InvalidSignatureException', message: `Credential should be scoped to a valid region and service (${identity.region}/${identity.service}), not '${region}/${service}'.`}
  }
  const amzDate = single(headers['x-amz-date'])
  if (!amzDate?.startsWith(date)) return {ok: false, type: 'InvalidSignatureException', message: 'X-Amz-Date does not match the credential scope date.'}
  const signedHeaders = signedHeaderList.split(';')
  if (!signedHeaders.includes('host')) return {ok: false, type: 'InvalidSignatureException', message: "'Host' must be a signed header."}
  if (identity.sessionToken !== undefined && single(headers['x-amz-security-token']) !== identity.sessionToken) {
    return {ok: false, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.'}
  }
  const url = new URL(rawUrl, 'http://stand-in')
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(single(headers[name]) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('')
  const payloadHash = single(headers['x-amz-content-sha256']) ?? sha256(body)
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  // Every service but S3 signs the path encoded once more than it is sent (an ARN's %3A as %253A).
  const canonicalPath = (url.pathname || '/').split('/').map(encode).join('/')
  const canonicalRequest = [method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaderList, payloadHash].join('\n')
  const scope = `${date}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n')
  let key = hmac(`AWS4${identity.secretAccessKey}`, date)
  key = hmac(key, region)
  key = hmac(key, service)
  key = hmac(key, 'aws4_request')
  const expected = createHmac('sha256', key).update(stringToSign).digest()
  const given = Buffer.from(signature, 'hex')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    }
  }
  return {ok: true}
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest()
}

function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}
