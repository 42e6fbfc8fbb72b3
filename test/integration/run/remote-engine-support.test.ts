import {strict as assert} from 'node:assert'
import {randomInt} from 'node:crypto'
import {access, copyFile, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {listening} from '../../support/engine-process.js'
import {type RemoteEngine, remoteEngineUnavailable, startRemoteEngine} from '../../support/remote-engine.js'
import {RUN_ID, TEST_LABEL} from './support/fixture.js'

const BUSYBOX = '/bin/busybox'

type Answer = {status: number; body: string}

/** One GET; rejects when no HTTP answer comes (refused, reset, handshake failed). */
function get(url: string, tls?: {ca: Buffer; cert?: Buffer; key?: Buffer}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, {timeout: 5000, ...tls}, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
    })
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 5 s`)))
    req.on('error', reject)
    req.end()
  })
}

/** A port nothing listens on at the host's loopback, so that its staying closed there means something. */
async function closedPort(): Promise<number> {
  for (;;) {
    const port = randomInt(20_000, 45_000)
    if (!(await listening('127.0.0.1', port))) return port
  }
}

describe('a second engine as a remote host (a dockerd in a network namespace of its own)', function () {
  this.timeout(300_000)
  const engines = new Set<RemoteEngine>()
  const timings: string[] = []
  let context: string | undefined

  before(async function () {
    const why = (await remoteEngineUnavailable()) ?? (await access(BUSYBOX).then(() => undefined, () => `${BUSYBOX} is missing (apt-get install busybox-static)`))
    if (why) {
      console.log(`      skipped: ${why}`)
      this.skip()
    }
    // An HTTP server FROM scratch: the static busybox, serving one page.
    context = await mkdtemp(join(tmpdir(), 'limg-remote-image-'))
    await mkdir(join(context, 'root/bin'), {recursive: true})
    await mkdir(join(context, 'root/www'))
    await copyFile(BUSYBOX, join(context, 'root/bin/busybox'))
    await writeFile(join(context, 'root/www/index.html'), `served by the remote engine ${RUN_ID}\n`)
    await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY root/ /\nCMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]\n')
  })

  after(async () => {
    for (const line of timings) console.log(`      ${line}`)
    for (const engine of engines) await engine[Symbol.asyncDispose]()
    if (context) await rm(context, {recursive: true, force: true})
  })

  async function start(tls: boolean): Promise<RemoteEngine> {
    const began = Date.now()
    const engine = await startRemoteEngine({tls})
    timings.push(`start (${tls ? 'TLS' : 'plain TCP'}): ${Date.now() - began} ms`)
    engines.add(engine)
    return engine
  }

  /** Disposes of the engine and checks that its namespace and veth are gone. */
  async function dispose(engine: RemoteEngine): Promise<void> {
    engines.delete(engine)
    const began = Date.now()
    await engine[Symbol.asyncDispose]()
    timings.push(`dispose: ${Date.now() - began} ms`)
    assert.doesNotMatch((await execa('ip', ['netns', 'list'])).stdout, new RegExp(`^${engine.namespace}\\b`, 'm'))
    assert.doesNotMatch((await execa('ip', ['-o', 'link'])).stdout, new RegExp(`\\b${engine.veth}\\b`))
    await assert.rejects(access(engine.dir))
  }

  /** Through the docker CLI at the engine: a container publishing on `hostIp` answers at the engine's address, not on the host's loopback. */
  async function publishedPortIsRemote(engine: RemoteEngine, hostIp: string): Promise<void> {
    const env = {...process.env, ...engine.env}
    const image = `limg-remote-httpd:${RUN_ID}`
    const built = await execa('docker', ['build', '-q', '--label', `${TEST_LABEL}=${RUN_ID}`, '-t', image, context!], {env, reject: false})
    assert.equal(built.exitCode, 0, built.stderr)
    const port = await closedPort()
    const run = await execa('docker', ['run', '-d', '--label', `${TEST_LABEL}=${RUN_ID}`, '-p', `${hostIp}:${port}:8080`, image], {env, reject: false})
    assert.equal(run.exitCode, 0, run.stderr)
    const deadline = Date.now() + 30_000
    let answer: Answer | undefined
    while (!answer) {
      answer = await get(`http://${engine.address}:${port}/`).catch((error: Error) => {
        if (Date.now() > deadline) throw error
        return new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))
      })
    }
    assert.equal(answer.status, 200)
    assert.equal(answer.body, `served by the remote engine ${RUN_ID}\n`)
    assert.equal(await listening('127.0.0.1', port), false, `port ${port} must not be open on the host's loopback`)
    // The DNAT for the port is in the namespace's tables, none in the host's.
    const hostRules = await execa('iptables-save', {reject: false})
    if (hostRules.exitCode === 0) assert.doesNotMatch(hostRules.stdout, new RegExp(engine.address.replaceAll('.', '\\.')))
    const removed = await execa('docker', ['rm', '-f', run.stdout.trim()], {env, reject: false})
    assert.equal(removed.exitCode, 0, removed.stderr)
  }

  it('plain TCP: answers GET /_ping at the namespace address; a port published on that address is there and not on the host; nothing is left after', async () => {
    const engine = await start(false)
    assert.match(engine.host, /^tcp:\/\/10\.232\.\d+\.2:2375$/)
    assert.deepEqual(engine.env, {DOCKER_HOST: engine.host})
    assert.deepEqual(await get(`http://${engine.address}:2375/_ping`), {status: 200, body: 'OK'})
    await publishedPortIsRemote(engine, engine.address)
    await dispose(engine)
  })

  it('TLS: answers with the client certificates, not without them nor to plain HTTP; a port published on 0.0.0.0 is remote too', async () => {
    const engine = await start(true)
    assert.match(engine.host, /^tcp:\/\/10\.232\.\d+\.2:2376$/)
    assert.equal(engine.env.DOCKER_TLS_VERIFY, '1')
    const certs = engine.env.DOCKER_CERT_PATH!
    const [ca, cert, key] = await Promise.all(['ca.pem', 'cert.pem', 'key.pem'].map((name) => readFile(join(certs, name))))
    const ping = `https://${engine.address}:2376/_ping`
    assert.deepEqual(await get(ping, {ca, cert, key}), {status: 200, body: 'OK'})
    // --tlsverify: no client certificate, no handshake.
    await assert.rejects(get(ping, {ca}))
    const plain = await get(`http://${engine.address}:2376/_ping`).catch((error: Error) => error)
    assert.ok(plain instanceof Error || plain.status === 400, `plain HTTP to the TLS port: ${JSON.stringify(plain)}`)
    await publishedPortIsRemote(engine, '0.0.0.0')
    await dispose(engine)
  })
})
