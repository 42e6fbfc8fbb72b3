import {strict as assert} from 'node:assert'
import {type FrontRequest, clfTime, httpApiEvent, isTextContent, restApiEvent} from '../../../src/front/http-event.js'

const time = new Date('2020-03-12T19:03:58.390Z')

function request(overrides: Partial<FrontRequest> = {}): FrontRequest {
  return {
    method: 'GET',
    url: '/my/path?parameter1=value1&parameter1=value2&parameter2=value',
    rawHeaders: ['Host', 'localhost:3000', 'User-Agent', 'curl/8', 'X-Multi', 'a', 'x-multi', 'b', 'Cookie', 'cookie1=1; cookie2=2'],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    time,
    requestId: 'req-1',
    ...overrides,
  }
}

describe('front door events', () => {
  it('payload 2.0: lower-cased headers joined by commas, cookies apart, query joined, no body', () => {
    const event = httpApiEvent(request())
    assert.equal(event.version, '2.0')
    assert.equal(event.routeKey, '$default')
    assert.equal(event.rawPath, '/my/path')
    assert.equal(event.rawQueryString, 'parameter1=value1&parameter1=value2&parameter2=value')
    assert.deepEqual(event.cookies, ['cookie1=1', 'cookie2=2'])
    assert.deepEqual(event.headers, {host: 'localhost:3000', 'user-agent': 'curl/8', 'x-multi': 'a,b'})
    assert.deepEqual(event.queryStringParameters, {parameter1: 'value1,value2', parameter2: 'value'})
    assert.equal('body' in event, false)
    assert.equal(event.isBase64Encoded, false)
    const context = event.requestContext as Record<string, unknown>
    assert.deepEqual(context.http, {method: 'GET', path: '/my/path', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8'})
    assert.equal(context.requestId, 'req-1')
    assert.equal(context.time, '12/Mar/2020:19:03:58 +0000')
    assert.equal(context.timeEpoch, time.getTime())
    assert.equal(context.stage, '$default')
  })

  it('payload 2.0: no query and no cookies leave those fields out; the path is decoded', () => {
    const event = httpApiEvent(request({url: '/a%20b', rawHeaders: ['Host', 'x']}))
    assert.equal(event.rawPath, '/a b')
    assert.equal(event.rawQueryString, '')
    assert.equal('queryStringParameters' in event, false)
    assert.equal('cookies' in event, false)
  })

  it('a JSON or text body is passed as text; a binary one (or one without a type) base64-encoded', () => {
    const json = httpApiEvent(request({method: 'POST', rawHeaders: ['Content-Type', 'application/json; charset=utf-8'], body: Buffer.from('{"a":1}')}))
    assert.equal(json.body, '{"a":1}')
    assert.equal(json.isBase64Encoded, false)
    const bytes = Buffer.from([0, 255, 1, 254])
    const binary = httpApiEvent(request({method: 'POST', rawHeaders: ['Content-Type', 'application/octet-stream'], body: bytes}))
    assert.equal(binary.body, bytes.toString('base64'))
    assert.equal(binary.isBase64Encoded, true)
    const untyped = restApiEvent(request({method: 'PUT', rawHeaders: [], body: Buffer.from('x')}))
    assert.equal(untyped.isBase64Encoded, true)
  })

  it('payload 1.0: last values in headers and query, all of them in the multi-value maps, a proxy resource', () => {
    const event = restApiEvent(request())
    assert.equal(event.version, '1.0')
    assert.equal(event.resource, '/{proxy+}')
    assert.equal(event.path, '/my/path')
    assert.equal(event.httpMethod, 'GET')
    assert.deepEqual(event.pathParameters, {proxy: 'my/path'})
    assert.deepEqual(event.headers, {Host: 'localhost:3000', 'User-Agent': 'curl/8', 'X-Multi': 'b', Cookie: 'cookie1=1; cookie2=2'})
    assert.deepEqual(event.multiValueHeaders, {Host: ['localhost:3000'], 'User-Agent': ['curl/8'], 'X-Multi': ['a', 'b'], Cookie: ['cookie1=1; cookie2=2']})
    assert.deepEqual(event.queryStringParameters, {parameter1: 'value2', parameter2: 'value'})
    assert.deepEqual(event.multiValueQueryStringParameters, {parameter1: ['value1', 'value2'], parameter2: ['value']})
    assert.equal(event.body, null)
    const context = event.requestContext as Record<string, unknown>
    assert.deepEqual(context.identity, {sourceIp: '127.0.0.1', userAgent: 'curl/8'})
    assert.equal(context.requestTime, '12/Mar/2020:19:03:58 +0000')
  })

  it('payload 1.0: the root path and no query give nulls', () => {
    const event = restApiEvent(request({url: '/', rawHeaders: []}))
    assert.equal(event.resource, '/')
    assert.equal(event.pathParameters, null)
    assert.equal(event.queryStringParameters, null)
    assert.equal(event.multiValueQueryStringParameters, null)
    assert.equal(event.headers, null)
  })

  it('knows the text types front doors pass as text', () => {
    for (const type of ['text/plain', 'text/html; charset=utf-8', 'application/json', 'application/problem+json', 'application/xml', 'application/x-www-form-urlencoded']) assert.ok(isTextContent(type), type)
    for (const type of [undefined, '', 'image/png', 'application/octet-stream', 'multipart/form-data; boundary=x']) assert.ok(!isTextContent(type), String(type))
    assert.equal(clfTime(new Date('2021-01-02T03:04:05Z')), '02/Jan/2021:03:04:05 +0000')
  })
})
