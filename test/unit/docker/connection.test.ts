import {strict as assert} from 'node:assert'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {asEngineError, connectionFromEnv, localSocket} from '../../../src/docker/connection.js'
import {shortName} from '../../../src/docker/docker-images.js'
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

describe('finding the local engine without DOCKER_HOST', () => {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-sockets-'))
  })
  afterEach(() => rm(dir, {recursive: true, force: true}))

  it('takes Docker\'s socket when it is there, else the user\'s Podman socket, else the system\'s, and says why', async () => {
    const sockets = {docker: join(dir, 'docker.sock'), podman: join(dir, 'run-podman.sock')}
    const runtime = join(dir, 'user')
    await mkdir(join(runtime, 'podman'), {recursive: true})
    assert.equal(localSocket({XDG_RUNTIME_DIR: runtime}, sockets, 1000).target, `unix://${sockets.docker}`, 'none there: Docker\'s, for its error message')
    await writeFile(sockets.podman, '')
    const system = localSocket({XDG_RUNTIME_DIR: runtime}, sockets, 1000)
    assert.equal(system.target, `unix://${sockets.podman}`)
    assert.match(String(system.found), /DOCKER_HOST is unset and there is no Docker socket at .*docker\.sock/)
    await writeFile(join(runtime, 'podman', 'podman.sock'), '')
    assert.equal(localSocket({XDG_RUNTIME_DIR: runtime}, sockets, 1000).target, `unix://${join(runtime, 'podman', 'podman.sock')}`, 'a user\'s own Podman first')
    assert.equal(localSocket({XDG_RUNTIME_DIR: runtime}, sockets, 0).target, `unix://${sockets.podman}`, 'root: the system\'s')
    await writeFile(sockets.docker, '')
    const docker = localSocket({XDG_RUNTIME_DIR: runtime}, sockets, 1000)
    assert.equal(docker.target, `unix://${sockets.docker}`)
    assert.equal(docker.found, undefined)
  })

  it('names images as Docker does, whatever registry Podman spells out', () => {
    assert.equal(shortName('docker.io/library/fn:x86_64'), 'fn:x86_64')
    assert.equal(shortName('docker.io/limg-offline/nodejs:22-x86_64'), 'limg-offline/nodejs:22-x86_64')
    assert.equal(shortName('123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn:1'), '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn:1')
    assert.equal(shortName('localhost/fn:x86_64'), 'localhost/fn:x86_64')
  })
})
