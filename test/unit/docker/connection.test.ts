import {strict as assert} from 'node:assert'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {asEngineError, connectionFromEnv} from '../../../src/docker/connection.js'
import {EngineUnavailableError} from '../../../src/errors/index.js'

describe('engine connection', () => {
  it('defaults to the local socket', () => {
    assert.deepEqual(connectionFromEnv({}), {transport: {socketPath: '/var/run/docker.sock'}, target: 'unix:///var/run/docker.sock', timeoutMs: 30_000})
  })

  it('reads unix://, tcp:// and ssh:// from DOCKER_HOST', () => {
    assert.deepEqual(connectionFromEnv({DOCKER_HOST: 'unix:///tmp/d.sock'}).transport, {socketPath: '/tmp/d.sock'})
    assert.deepEqual(connectionFromEnv({DOCKER_HOST: 'tcp://10.0.0.5:2375'}).transport, {host: '10.0.0.5', port: 2375})
    assert.deepEqual(connectionFromEnv({DOCKER_HOST: 'tcp://10.0.0.5'}).transport, {host: '10.0.0.5', port: 2375})
    const ssh = connectionFromEnv({DOCKER_HOST: 'ssh://builder@remote:2222', SSH_AUTH_SOCK: '/agent'})
    assert.equal(ssh.target, 'ssh://builder@remote:2222')
    assert.deepEqual(ssh.transport, {ssh: {host: 'remote', port: 2222, username: 'builder', agent: '/agent'}})
  })

  it('uses TLS client certificates when DOCKER_TLS_VERIFY is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'limg-certs-'))
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), f)
    const {transport} = connectionFromEnv({DOCKER_HOST: 'tcp://engine:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir})
    assert.ok('tls' in transport && transport.tls, 'a TLS transport')
    assert.equal(String(transport.tls.ca), 'ca.pem')
    assert.equal(String(transport.tls.cert), 'cert.pem')
    assert.equal(String(transport.tls.key), 'key.pem')
    assert.throws(
      () => connectionFromEnv({DOCKER_HOST: 'tcp://engine:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'missing')}),
      EngineUnavailableError,
    )
  })

  it('rejects unsupported schemes', () => {
    assert.throws(() => connectionFromEnv({DOCKER_HOST: 'npipe:////./pipe/docker'}), /unsupported scheme/)
  })

  it('names the target and how to start an engine when the socket does not answer', () => {
    const err = asEngineError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}), 'tcp://127.0.0.1:1')
    assert.ok(err instanceof EngineUnavailableError)
    assert.match(err.message, /tcp:\/\/127\.0\.0\.1:1/)
    assert.match(err.suggestion ?? '', /DOCKER_HOST/)
    const other = new Error('boom')
    assert.equal(asEngineError(other, 'x'), other)
  })
})
