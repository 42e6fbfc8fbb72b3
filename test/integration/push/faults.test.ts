import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {type ResultPromise, execa} from 'execa'
import {connectionFromEnv} from '../../../src/engine/connection.js'
import {type DockerEngine, connectEngine} from '../../../src/engine/docker-engine.js'
import {RegistryHttp} from '../../../src/registry/registry-http.js'
import {EcrStandIn} from '../../support/ecr-stand-in/index.js'
import {EXPIRED_TOKEN_MESSAGE, type FrontRequest, RegistryFront} from '../../support/registry-front.js'
import {type TestRegistry, startRegistry} from '../../support/registry.js'
import {ACCESS_KEY_ID, REGION, RUN_ID, SECRET_ACCESS_KEY, awsEnv, buildRandomImage, removeRunImages} from './fixtures.js'

const BIN = resolve('bin/run.js')
const MIB = 1024 * 1024
/** Two layers of 4 MiB: one is held mid-upload while the other is committed. */
const LAYERS = [4 * MIB, 4 * MIB]
/** What a push sends beyond the blobs it uploads: HTTP headers, the manifest, the read-back. */
const OVERHEAD = 64 * 1024

/** A registry as ECR's would be reached: a real docker-registry behind a front that counts bytes. */
interface World {
  registry: TestRegistry
  front: RegistryFront
  ecr: EcrStandIn
  home: string
  close(): Promise<void>
}

async function startWorld(options: {tokens: boolean}): Promise<World> {
  const registry = await startRegistry()
  const front = await new RegistryFront({target: {port: registry.port, password: registry.password}, tokens: options.tokens}).start()
  const ecr = await new EcrStandIn({
    identity: {accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region: REGION},
    registry,
    proxyEndpoint: front.endpoint,
    ...(options.tokens ? {issueToken: () => front.issue()} : {}),
  }).start()
  const home = await mkdtemp(join(tmpdir(), 'limg-push-faults-home-'))
  return {
    registry,
    front,
    ecr,
    home,
    async close() {
      await ecr.stop()
      await front.close()
      await registry[Symbol.asyncDispose]()
      await rm(home, {recursive: true, force: true})
    },
  }
}

/** `limg push` as a user runs it: the built CLI in its own process, in CI, with only the test's AWS settings. */
function limgPush(world: World, args: string[]): ResultPromise<{reject: false; extendEnv: false}> {
  return execa('node', [BIN, 'push', ...args], {reject: false, extendEnv: false, env: {PATH: process.env.PATH, CI: '1', ...awsEnv(world.ecr, world.home)}})
}

const isBlobPatch = (r: FrontRequest): boolean => r.method === 'PATCH' && r.path.includes('/blobs/uploads/')
const isBlobCommit = (r: FrontRequest): boolean => r.method === 'PUT' && r.path.includes('/blobs/uploads/') && r.query.includes('digest=')
const committedDigest = (r: FrontRequest): string => decodeURIComponent(/digest=([^&]+)/.exec(r.query)![1])

/** The digests of the blobs committed by requests from `from` on, and what they weigh by the manifest. */
async function uploadedSince(world: World, from: number, repository: string, tag: string): Promise<{digests: string[]; bytes: number; layerSizes: Map<string, number>}> {
  const http = new RegistryHttp({username: 'AWS', password: world.registry.password, proxyEndpoint: world.registry.endpoint})
  const manifest = (await http.manifest(repository, tag)).json as {config: {digest: string; size: number}; layers: {digest: string; size: number}[]}
  const sizes = new Map([...manifest.layers, manifest.config].map((d) => [d.digest, d.size]))
  const digests = world.front.requests
    .slice(from)
    .filter((r) => isBlobCommit(r) && r.status === 201)
    .map(committedDigest)
  return {digests, bytes: digests.reduce((sum, d) => sum + (sizes.get(d) ?? 0), 0), layerSizes: new Map(manifest.layers.map((l) => [l.digest, l.size]))}
}

/** Lines on stderr that limg wrote as an error. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('Error:'))
}

describe('push faults survived (real engine, real docker-registry killed and restarted, ECR stand-in)', function () {
  this.timeout(300_000)
  let engine: DockerEngine
  const worlds: World[] = []
  const figures: Record<string, number> = {}
  /** What users saw, printed after the run for the record. */
  const seen: string[] = []

  before(async () => {
    engine = await connectEngine(connectionFromEnv())
    await engine.ping()
  })

  after(async () => {
    if (Object.keys(figures).length > 0) console.log(`      bytes on the wire: ${JSON.stringify(figures)}`)
    for (const line of seen) console.log(`      ${line}`)
    for (const world of worlds) await world.close()
    if (engine) await removeRunImages(engine)
  })

  async function world(options: {tokens: boolean}): Promise<World> {
    const made = await startWorld(options)
    worlds.push(made)
    return made
  }

  /**
   * Starts `limg push` of a fresh two-layer image, holds the first layer that gets 1 MiB into
   * its upload, and resolves once the other layer is committed: the moment to break something.
   */
  async function pushUntilOneLayerIsIn(w: World, name: string, args: string[] = []) {
    const image = await buildRandomImage(engine, `limg-${RUN_ID}-${name}`, 'x86_64', LAYERS)
    const repository = `faults/${RUN_ID}-${name}`
    const hold = w.front.holdUpload(isBlobPatch, MIB)
    const run = limgPush(w, ['--image', image, '--repository', repository, ...args])
    const held = await hold.held
    await layerIn(w)
    return {image, repository, run, held, release: hold.release}
  }

  /**
   * Resolves once a layer is in the registry as the engine counts it: committed (PUT 201) and
   * then found by its digest (HEAD 200). Only after that check does the engine remember the
   * layer as pushed and skip it next time.
   */
  async function layerIn(w: World): Promise<string> {
    const commit = await w.front.waitForAnswer((r) => isBlobCommit(r) && r.status === 201, 'a layer committed')
    const digest = committedDigest(commit)
    await w.front.waitForAnswer((r) => r.method === 'HEAD' && r.path.endsWith(`/blobs/${digest}`) && r.status === 200, `the check of ${digest}`)
    return digest
  }

  async function localNames(image: string): Promise<string[]> {
    return (await engine.inspectImage(image))?.repoTags ?? []
  }

  it('the registry killed mid-upload and back within the engine\'s retries: the push resumes, re-sending only the interrupted layer', async () => {
    const w = await world({tokens: false})
    const {image, repository, run, release} = await pushUntilOneLayerIsIn(w, 'resume', ['--json'])
    const mark = w.front.requests.length
    const bytesAtKill = w.front.bytesSent
    await w.registry.kill()
    release()
    await w.registry.restart()
    const done = await run
    assert.equal(done.exitCode, 0, done.stdout + done.stderr)
    const result = JSON.parse(done.stdout) as {tag: string; layers: {pushed: number; existing: number}}
    assert.deepEqual(result.layers, {pushed: 2, existing: 0})
    const resent = await uploadedSince(w, mark, repository, result.tag)
    const layersResent = resent.digests.filter((d) => resent.layerSizes.has(d))
    assert.equal(layersResent.length, 1, `layers committed after the restart: ${layersResent.join(', ')}`)
    const afterKill = w.front.bytesSent - bytesAtKill
    assert.ok(afterKill >= resent.bytes && afterKill < resent.bytes + OVERHEAD, `${afterKill} bytes after the kill for ${resent.bytes} bytes of blobs`)
    figures.resumedAfterKill = afterKill
    assert.deepEqual(await localNames(image), [image])
  })

  it('the registry killed mid-upload and gone longer than the engine\'s retries: one error line, exit 5, nothing tagged; pushing again sends only what is missing', async () => {
    const w = await world({tokens: false})
    const {image, repository, run, release} = await pushUntilOneLayerIsIn(w, 'outage')
    await w.registry.kill()
    release()
    const failed = await run
    assert.equal(failed.exitCode, 5, failed.stderr)
    const errors = errorLines(failed.stderr)
    assert.equal(errors.length, 1, failed.stderr)
    seen.push(`exit ${failed.exitCode}: ${errors[0]}`)
    assert.match(errors[0], new RegExp(`^Error: The registry ${w.front.host} stopped answering during the push \\(.+\\), also after the engine's own retries\\. Push again once it answers: layers already in the registry are not uploaded again\\.$`))
    assert.equal(failed.stderr.trim().split('\n').at(-1), errors[0], 'the error is the last thing printed')
    assert.deepEqual(await localNames(image), [image], 'no local name for the registry is left')

    await w.registry.restart()
    const mark = w.front.requests.length
    const before = w.front.bytesSent
    const again = await limgPush(w, ['--json', '--image', image, '--repository', repository])
    assert.equal(again.exitCode, 0, again.stdout + again.stderr)
    const result = JSON.parse(again.stdout) as {tag: string; layers: {pushed: number; existing: number}}
    assert.deepEqual(result.layers, {pushed: 1, existing: 1})
    const sent = w.front.bytesSent - before
    const uploaded = await uploadedSince(w, mark, repository, result.tag)
    assert.equal(uploaded.digests.filter((d) => uploaded.layerSizes.has(d)).length, 1)
    assert.ok(sent >= uploaded.bytes && sent < uploaded.bytes + OVERHEAD, `${sent} bytes sent for ${uploaded.bytes} bytes of missing blobs`)
    assert.ok(sent < (LAYERS[0] + LAYERS[1]) * 0.6, `${sent} bytes: more than the one missing layer`)
    figures.retryAfterOutage = sent
    assert.deepEqual(await localNames(image), [image])
  })

  it('Ctrl-C mid-upload: exit 130 on one line, and no local name for the registry left', async () => {
    const w = await world({tokens: false})
    const image = await buildRandomImage(engine, `limg-${RUN_ID}-sigint`, 'x86_64', LAYERS)
    const hold = w.front.holdUpload(isBlobPatch, MIB)
    const run = limgPush(w, ['--image', image, '--repository', `faults/${RUN_ID}-sigint`])
    try {
      await hold.held
      run.kill('SIGINT')
      const done = await run
      assert.equal(done.exitCode, 130, done.stderr)
      assert.deepEqual(errorLines(done.stderr), ['Error: Interrupted (SIGINT); stopped and cleaned up.'])
    } finally {
      hold.release()
    }
    assert.deepEqual(await localNames(image), [image])
  })

  it('the ECR token expiring mid-upload: the push fetches a fresh one and finishes, re-sending only the interrupted layer', async () => {
    const w = await world({tokens: true})
    const tokensBefore = w.ecr.operations().filter((o) => o === 'GetAuthorizationToken').length
    const {image, repository, run, release} = await pushUntilOneLayerIsIn(w, 'expiry', ['--json'])
    w.front.expireAll()
    release()
    // The held upload finishes with the token it started with; the commit after it is refused.
    const refused = await w.front.waitForAnswer((r) => r.status === 403, 'a request refused for an expired token')
    const mark = w.front.requests.indexOf(refused) + 1
    const bytesAtRefusal = w.front.bytesSent
    const done = await run
    assert.equal(done.exitCode, 0, done.stdout + done.stderr)
    assert.equal(w.ecr.operations().filter((o) => o === 'GetAuthorizationToken').length - tokensBefore, 2, 'one token, then one fresh one')
    const result = JSON.parse(done.stdout) as {tag: string}
    const resent = await uploadedSince(w, mark, repository, result.tag)
    assert.equal(resent.digests.filter((d) => resent.layerSizes.has(d)).length, 1)
    const sent = w.front.bytesSent - bytesAtRefusal
    assert.ok(sent >= resent.bytes && sent < resent.bytes + OVERHEAD, `${sent} bytes after the refusal for ${resent.bytes} bytes of blobs`)
    figures.renewedAfterExpiry = sent
    assert.deepEqual(await localNames(image), [image])
  })

  it('the token expiring again after its renewal: one error line, exit 5, nothing tagged; pushing again sends only what is missing', async () => {
    const w = await world({tokens: true})
    const {image, repository, run, release} = await pushUntilOneLayerIsIn(w, 'expiry-twice')
    w.front.expireAll()
    // The fresh token's upload of the missing layer is held too, and runs out the same way.
    const second = w.front.holdUpload(isBlobPatch, MIB)
    release()
    await second.held
    w.front.expireAll()
    second.release()
    const failed = await run
    assert.equal(failed.exitCode, 5, failed.stderr)
    const errors = errorLines(failed.stderr)
    assert.equal(errors.length, 1, failed.stderr)
    seen.push(`exit ${failed.exitCode}: ${errors[0]}`)
    assert.equal(
      errors[0],
      `Error: The ECR token expired during the push to ${w.front.host}, also after a fresh one was fetched: denied: ${EXPIRED_TOKEN_MESSAGE} Push again: layers already in the registry are not uploaded again.`,
    )
    assert.deepEqual(await localNames(image), [image])

    const mark = w.front.requests.length
    const before = w.front.bytesSent
    const again = await limgPush(w, ['--json', '--image', image, '--repository', repository])
    assert.equal(again.exitCode, 0, again.stdout + again.stderr)
    const result = JSON.parse(again.stdout) as {tag: string; layers: {pushed: number; existing: number}}
    assert.deepEqual(result.layers, {pushed: 1, existing: 1})
    const sent = w.front.bytesSent - before
    const uploaded = await uploadedSince(w, mark, repository, result.tag)
    assert.ok(sent >= uploaded.bytes && sent < uploaded.bytes + OVERHEAD, `${sent} bytes sent for ${uploaded.bytes} bytes of missing blobs`)
    figures.retryAfterExpiry = sent
    assert.deepEqual(await localNames(image), [image])
  })
})
