import assert from 'node:assert/strict'
import {type LayerEvent, PushStreamError, PushStreamParser, classifyPushError, registryAuthHeader} from '../../../src/docker/push-stream.js'

const lines = (...objects: object[]): string => objects.map((o) => JSON.stringify(o)).join('\n') + '\n'

describe('PushStreamParser', () => {
  it('counts pushed and existing layers and the bytes sent', () => {
    const events: LayerEvent[] = []
    const parser = new PushStreamParser((e) => events.push(e))
    const stream = lines(
      {status: 'The push refers to repository [r/x]'},
      {status: 'Preparing', id: 'aaa', progressDetail: {}},
      {status: 'Preparing', id: 'bbb', progressDetail: {}},
      {status: 'Layer already exists', id: 'bbb', progressDetail: {}},
      {status: 'Pushing', id: 'aaa', progressDetail: {current: 512, total: 900}},
      {status: 'Pushing', id: 'aaa', progressDetail: {current: 1024, total: 900}},
      {status: 'Pushed', id: 'aaa', progressDetail: {}},
      {status: 't: digest: sha256:abc size: 524'},
      {aux: {Tag: 't', Digest: 'sha256:abc', Size: 524}},
    )
    // Lines split across chunks must still parse.
    parser.write(stream.slice(0, 50))
    parser.write(stream.slice(50))
    assert.deepEqual(parser.end(), {digest: 'sha256:abc', size: 524, layers: {pushed: 1, existing: 1}, bytesUploaded: 1024})
    assert.deepEqual(
      events.map((e) => `${e.id}:${e.status}`),
      ['aaa:preparing', 'bbb:preparing', 'bbb:exists', 'aaa:pushing', 'aaa:pushing', 'aaa:pushed'],
    )
  })

  it('takes the digest from the status line when there is no aux line, as Podman answers', () => {
    const parser = new PushStreamParser()
    parser.write(lines({status: 'The push refers to repository [127.0.0.1:5000/fn:x86_64-0a1b2c3d4e5f]'}, {status: `x86_64-0a1b2c3d4e5f: digest: sha256:${'a'.repeat(64)} size: 1527`}))
    assert.deepEqual(parser.end(), {digest: `sha256:${'a'.repeat(64)}`, size: 1527, layers: {pushed: 0, existing: 0}, bytesUploaded: 0})
  })

  it('an errorDetail line fails the push even though the stream ends normally', () => {
    const parser = new PushStreamParser()
    parser.write(lines({status: 'Preparing', id: 'aaa'}, {errorDetail: {message: 'unauthorized: authentication required'}, error: 'unauthorized: authentication required'}))
    assert.throws(() => parser.end(), (e: unknown) => e instanceof PushStreamError && e.kind === 'unauthorized')
  })

  it('remembers that the engine retried a layer itself before it gave up', () => {
    const parser = new PushStreamParser()
    parser.write(lines({status: 'Pushing', id: 'aaa', progressDetail: {current: 1}}, {status: 'Retrying in 5 seconds', id: 'aaa'}, {errorDetail: {message: 'EOF'}, error: 'EOF'}))
    assert.throws(() => parser.end(), (e: unknown) => e instanceof PushStreamError && e.kind === 'transient' && e.engineRetried)
    const first = new PushStreamParser()
    first.write(lines({errorDetail: {message: 'EOF'}, error: 'EOF'}))
    assert.throws(() => first.end(), (e: unknown) => e instanceof PushStreamError && !e.engineRetried)
  })

  it('a stream that ends without a digest is not a success', () => {
    const parser = new PushStreamParser()
    parser.write(lines({status: 'Pushed', id: 'aaa'}))
    assert.throws(() => parser.end(), /without reporting a digest/)
  })

  it('sorts failures into what can be retried', () => {
    assert.equal(classifyPushError('received unexpected HTTP status: 503 Service Unavailable'), 'transient')
    assert.equal(classifyPushError('toomanyrequests: Rate exceeded'), 'transient')
    assert.equal(classifyPushError('read tcp 1.2.3.4:5->6.7.8.9:443: read: connection reset by peer'), 'transient')
    assert.equal(classifyPushError('denied: Your authorization token has expired. Reauthenticate and try again.'), 'unauthorized')
    assert.equal(classifyPushError('Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused'), 'unreachable')
    assert.equal(classifyPushError('tag invalid: The image tag already exists'), 'other')
  })
})

describe('registryAuthHeader', () => {
  it("encodes the credentials as the engine decodes them: URL-safe base64 with its padding", () => {
    // A password whose JSON encodes to + and / in standard base64, and needs padding.
    const auth = {username: 'AWS', password: '>>>???~~', serverAddress: 'https://1.dkr.ecr.eu-west-1.amazonaws.com'}
    const header = registryAuthHeader(auth)
    assert.match(header, /^[A-Za-z0-9_-]+=*$/)
    assert.equal(header.length % 4, 0)
    assert.ok(header.includes('-') || header.includes('_'), header)
    assert.deepEqual(JSON.parse(Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString()), {username: 'AWS', password: '>>>???~~', serveraddress: auth.serverAddress})
  })
})
