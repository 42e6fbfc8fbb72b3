import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {PushStreamError, type RegistryAuth} from '../../../src/docker/push-stream.js'
import {InterruptedError, RegistryError} from '../../../src/errors/index.js'
import type {PushEvent} from '../../../src/push/events.js'
import {pushToEcr} from '../../../src/push/push-to-ecr.js'
import type {AuthorizationData, EcrApi, RemoteImage, RepositoryInfo, RepositorySettings} from '../../../src/ecr/ecr-api.js'
import {MEDIA_TYPES, RegistryHttpError} from '../../../src/registry/registry-http.js'
import {FakeImages, imageInfo} from '../../support/fakes/images.js'

const IMAGE_ID = `sha256:${'ab'.repeat(32)}`
const SETTINGS: RepositorySettings = {scanOnPush: true, imageTagMutability: 'IMMUTABLE', maxImages: 5}
const MANIFEST = {schemaVersion: 2, mediaType: MEDIA_TYPES.dockerManifest, config: {digest: IMAGE_ID, size: 1}, layers: [{size: 3}]}
const MANIFEST_BODY = Buffer.from(JSON.stringify(MANIFEST))
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST_BODY).digest('hex')}`

class FakeEcr implements EcrApi {
  repos = new Map<string, RepositoryInfo>()
  images = new Map<string, RemoteImage>()
  policies = new Map<string, string>()
  passwords = ['pw']
  tokenCalls = 0
  async region() {
    return 'eu-west-1'
  }
  async getAuthorization(): Promise<AuthorizationData> {
    const password = this.passwords[Math.min(this.tokenCalls, this.passwords.length - 1)]
    this.tokenCalls += 1
    return {token: Buffer.from(`AWS:${password}`).toString('base64'), proxyEndpoint: 'https://1.dkr.ecr.eu-west-1.amazonaws.com', expiresAt: new Date(Date.now() + 3600_000 * 12)}
  }
  async describeRepository(name: string) {
    return this.repos.get(name)
  }
  async createRepository(name: string, settings: RepositorySettings) {
    const info: RepositoryInfo = {name, uri: `1.dkr.ecr.eu-west-1.amazonaws.com/${name}`, imageTagMutability: settings.imageTagMutability, scanOnPush: settings.scanOnPush}
    this.repos.set(name, info)
    return info
  }
  async putLifecyclePolicy(name: string, text: string) {
    this.policies.set(name, text)
  }
  async findImageByTag(repository: string, tag: string) {
    return this.images.get(`${repository}:${tag}`)
  }
}

/** The engine's images as a push sees them: one local image named fn:x86_64. */
function fakeImages(): FakeImages {
  const images = new FakeImages()
  images.add(imageInfo({id: IMAGE_ID, sizeBytes: 3, cmd: [], workingDir: ''}), 'fn:x86_64')
  images.pushResult = {digest: DIGEST, layers: {pushed: 1, existing: 0}, bytesUploaded: 3}
  return images
}

/** What the push named `repo:tag`, and the credentials it gave each push. */
const tagsOf = (images: FakeImages): string[] => images.tagged.map(([, repo, tag]) => `${repo}:${tag}`)
const authsOf = (images: FakeImages): RegistryAuth[] => images.pushes.map((p) => p.auth)


function setup(registryFailures: Error[] = []) {
  const ecr = new FakeEcr()
  const pusher = fakeImages()
  const events: PushEvent[] = []
  const registryAuths: string[] = []
  const deps = {
    images: pusher,
    ecr,
    retryDelaysMs: [1, 1],
    registry: (credentials: {password: string}) => ({
      async manifest() {
        registryAuths.push(credentials.password)
        const failure = registryFailures.shift()
        if (failure) throw failure
        return {mediaType: MEDIA_TYPES.dockerManifest, digest: DIGEST, body: MANIFEST_BODY, json: MANIFEST}
      },
      async blobJson() {
        return {architecture: 'amd64', os: 'linux'}
      },
    }),
  }
  const run = (tag?: string) => pushToEcr({image: 'fn:x86_64', arch: 'x86_64', repository: 'team/fn', settings: SETTINGS, onEvent: (e) => events.push(e), ...(tag ? {tag} : {})}, deps)
  return {ecr, pusher, events, registryAuths, run}
}

describe('pushToEcr (fakes at the engine, ECR and registry seams)', () => {
  it('creates the repository with its lifecycle policy and pushes under the content tag', async () => {
    const {ecr, pusher, run} = setup()
    const result = await run()
    assert.equal(result.tag, `x86_64-${'ab'.repeat(6)}`)
    assert.equal(result.digestUri, `1.dkr.ecr.eu-west-1.amazonaws.com/team/fn@${DIGEST}`)
    assert.equal(result.repositoryCreated, true)
    assert.deepEqual(tagsOf(pusher), [`1.dkr.ecr.eu-west-1.amazonaws.com/team/fn:${result.tag}`])
    assert.deepEqual(authsOf(pusher)[0], {username: 'AWS', password: 'pw', serverAddress: 'https://1.dkr.ecr.eu-west-1.amazonaws.com'})
    assert.equal(JSON.parse(ecr.policies.get('team/fn') ?? '{}').rules[0].selection.countNumber, 5)
  })

  it('does not push when the tag already holds this image', async () => {
    const {ecr, pusher, run} = setup()
    await ecr.createRepository('team/fn', SETTINGS)
    ecr.images.set(`team/fn:x86_64-${'ab'.repeat(6)}`, {digest: DIGEST, tags: []})
    const result = await run()
    assert.equal(result.alreadyPushed, true)
    assert.equal(authsOf(pusher).length, 0)
    assert.deepEqual(result.layers, {pushed: 0, existing: 1})
  })

  it('reads nothing from the registry when ECR\'s answer carries the manifest of this image', async () => {
    const {ecr, pusher, registryAuths, run} = setup()
    await ecr.createRepository('team/fn', SETTINGS)
    ecr.images.set(`team/fn:x86_64-${'ab'.repeat(6)}`, {digest: DIGEST, tags: [], manifest: MANIFEST_BODY.toString('utf8'), manifestMediaType: MEDIA_TYPES.dockerManifest})
    const result = await run()
    assert.equal(result.alreadyPushed, true)
    assert.deepEqual(registryAuths, [])
    assert.equal(authsOf(pusher).length, 0)
    assert.deepEqual([result.digest, result.architecture, result.mediaType, result.layers], [DIGEST, 'amd64', MEDIA_TYPES.dockerManifest, {pushed: 0, existing: 1}])
  })

  it('asks the registry when the manifest ECR answered with does not hash to its digest, or names another image', async () => {
    for (const manifest of [`${MANIFEST_BODY.toString('utf8')} `, JSON.stringify({...MANIFEST, config: {digest: `sha256:${'cd'.repeat(32)}`, size: 1}})]) {
      const {ecr, registryAuths, run} = setup()
      await ecr.createRepository('team/fn', SETTINGS)
      ecr.images.set(`team/fn:x86_64-${'ab'.repeat(6)}`, {digest: DIGEST, tags: [], manifest})
      const result = await run()
      // The registry's read (the fake's manifest is this image's) settles it.
      assert.equal(result.alreadyPushed, true)
      assert.deepEqual(registryAuths, ['pw'])
    }
  })

  it('retries transient failures a bounded number of times', async () => {
    const ok = setup()
    ok.pusher.pushFailures.push(new PushStreamError('received unexpected HTTP status: 502 Bad Gateway', 'transient'), new PushStreamError('connection reset by peer', 'transient'))
    await ok.run()
    assert.equal(ok.pusher.pushes.length, 3)
    assert.equal(ok.events.filter((e) => e.type === 'retry').length, 2)

    const failing = setup()
    failing.pusher.pushFailures.push(...Array.from({length: 5}, () => new PushStreamError('toomanyrequests', 'transient')))
    await assert.rejects(failing.run(), (e: unknown) => e instanceof RegistryError && /kept failing/.test(e.message))
    assert.equal(failing.pusher.pushes.length, 3)
  })

  it('does not push again after the engine retried the layers itself, and says the registry stopped answering', async () => {
    const {pusher, run} = setup()
    pusher.pushFailures.push(new PushStreamError('EOF', 'transient', true))
    await assert.rejects(run(), (e: unknown) => {
      assert.ok(e instanceof RegistryError)
      assert.equal(e.message, "The registry 1.dkr.ecr.eu-west-1.amazonaws.com stopped answering during the push (EOF), also after the engine's own retries.")
      assert.match(e.suggestion ?? '', /layers already in the registry are not uploaded again/)
      return true
    })
    assert.equal(authsOf(pusher).length, 1)
  })

  it('a token that expires again after its renewal says so, and that pushing again is cheap', async () => {
    const {pusher, run} = setup()
    const expired = () => new PushStreamError('denied: Your authorization token has expired. Reauthenticate and try again.', 'unauthorized')
    pusher.pushFailures.push(expired(), expired())
    await assert.rejects(run(), (e: unknown) => e instanceof RegistryError && /^The ECR token expired during the push to .*, also after a fresh one was fetched/.test(e.message) && /not uploaded again/.test(e.suggestion ?? ''))
  })

  it('renews the token once when the registry refuses it', async () => {
    const {ecr, pusher, run} = setup()
    ecr.passwords = ['expired', 'fresh']
    pusher.pushFailures.push(new PushStreamError('denied: Your authorization token has expired.', 'unauthorized'))
    await run()
    assert.deepEqual(authsOf(pusher).map((a) => a.password), ['expired', 'fresh'])

    const twice = setup()
    twice.pusher.pushFailures.push(new PushStreamError('unauthorized', 'unauthorized'), new PushStreamError('unauthorized', 'unauthorized'))
    await assert.rejects(twice.run(), /also after fetching a fresh one/)
    assert.equal(twice.pusher.pushes.length, 2)
  })

  it('the read-back retries a 503 and renews the token on a 401', async () => {
    const {registryAuths, ecr, run} = setup([new RegistryHttpError('503', 503), new RegistryHttpError('401', 401)])
    ecr.passwords = ['one', 'two']
    const result = await run()
    assert.equal(result.architecture, 'amd64')
    assert.deepEqual(registryAuths, ['one', 'one', 'two'])
  })

  it('a registry that holds another digest under the tag is an error', async () => {
    const {pusher, run} = setup()
    pusher.push = async () => ({digest: 'sha256:other', layers: {pushed: 1, existing: 0}, bytesUploaded: 1})
    await assert.rejects(run(), /not the pushed sha256:other/)
  })

  describe('the local name with the registry in it', () => {
    const remote = (tag: string) => `1.dkr.ecr.eu-west-1.amazonaws.com/team/fn:${tag}`

    it('is removed after a push, and the user\'s own name stays', async () => {
      const {pusher, run} = setup()
      const result = await run()
      assert.deepEqual(pusher.untagged, [remote(result.tag)])
      assert.deepEqual([...pusher.names.keys()], ['fn:x86_64'])
      assert.deepEqual(result.warnings, [])
    })

    it('is removed after a failed push and after an interrupted one', async () => {
      for (const failure of [new PushStreamError('denied: requested access to the resource is denied', 'other'), new InterruptedError()]) {
        const {pusher, run} = setup()
        pusher.pushFailures.push(failure)
        await assert.rejects(run(), (e: unknown) => (failure instanceof InterruptedError ? e === failure : e instanceof RegistryError))
        assert.deepEqual([...pusher.names.keys()], ['fn:x86_64'], String(failure))
      }
    })

    it('is left alone when it named this image before, and pointed back when it named another', async () => {
      const same = setup()
      same.pusher.names.set(remote(`x86_64-${'ab'.repeat(6)}`), IMAGE_ID)
      await same.run()
      assert.deepEqual(same.pusher.untagged, [])
      assert.equal(same.pusher.names.get(remote(`x86_64-${'ab'.repeat(6)}`)), IMAGE_ID)

      const other = setup()
      const older = `sha256:${'cd'.repeat(32)}`
      other.pusher.add(imageInfo({id: older}), remote('v1'))
      await other.run('v1')
      assert.equal(other.pusher.names.get(remote('v1')), older)
      assert.equal(other.pusher.names.get('fn:x86_64'), IMAGE_ID)
    })

    it('stays, with a warning, when it is the only name of an image pushed by id', async () => {
      const {pusher, ecr} = setup()
      pusher.names.clear()
      const deps = {
        images: pusher,
        ecr,
        retryDelaysMs: [1],
        registry: () => ({
          manifest: async () => ({mediaType: MEDIA_TYPES.dockerManifest, digest: DIGEST, body: MANIFEST_BODY, json: MANIFEST}),
          blobJson: async () => ({architecture: 'amd64', os: 'linux'}),
        }),
      }
      const result = await pushToEcr({image: IMAGE_ID, imageExplicit: true, arch: 'x86_64', repository: 'team/fn', settings: SETTINGS}, deps)
      assert.deepEqual(pusher.untagged, [])
      assert.match(result.warnings.join('\n'), /Kept the local name .*team\/fn:x86_64-abababababab: it is the image's only name/)
    })
  })
})
