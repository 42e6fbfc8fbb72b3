import assert from 'node:assert/strict'
import {readdir} from 'node:fs/promises'
import {BuildFailedError, InterruptedError, InvalidInputError, RegistryError} from '../../../src/errors/index.js'
import type {PushEvent} from '../../../src/push/events.js'
import {type PushOptions, type PushResult, pushToEcr} from '../../../src/push/push-to-ecr.js'
import {decodeAuthorization} from '../../../src/ecr/authorization.js'
import {checkManifest} from '../../../src/registry/manifest-check.js'
import {MEDIA_TYPES, RegistryHttp} from '../../../src/registry/registry-http.js'
import {SdkEcrApi} from '../../../src/ecr/sdk-ecr-api.js'
import {freePort} from '../../support/registry.js'
import {ACCESS_KEY_ID, REGION, RUN_ID, type PushWorld, awsEnv, buildRandomImage, buildTinyImage, removeRunImages, setProcessEnv, startPushWorld} from './fixtures.js'

const SETTINGS = {scanOnPush: true, imageTagMutability: 'IMMUTABLE' as const, maxImages: 7}

describe('push to ECR (real engine, real registry, ECR stand-in over the AWS SDK)', function () {
  this.timeout(300_000)
  let world: PushWorld
  let amd64: string
  let arm64: string
  let amd64Changed: string
  const figures: Record<string, number> = {}

  before(async () => {
    world = await startPushWorld()
    amd64 = await buildTinyImage(world.engine, `limg-${RUN_ID}-a`, 'x86_64')
    arm64 = await buildTinyImage(world.engine, `limg-${RUN_ID}-b`, 'arm64')
    amd64Changed = await buildTinyImage(world.engine, `limg-${RUN_ID}-c`, 'x86_64', 'two')
  })

  after(async () => {
    if (Object.keys(figures).length > 0) console.log(`      bytes uploaded: ${JSON.stringify(figures)}`)
    if (!world) return
    await removeRunImages(world.engine)
    await world.close()
  })

  function push(options: Partial<PushOptions> & {image: string}, events: PushEvent[] = []): Promise<PushResult> {
    return pushToEcr(
      {arch: 'x86_64', repository: `limg-test/${RUN_ID}`, settings: SETTINGS, onEvent: (e) => events.push(e), ...options},
      {images: world.engine.images, ecr: new SdkEcrApi(), retryDelaysMs: [50, 50]},
    )
  }

  async function readBack(repository: string, tag: string): Promise<{manifest: Record<string, unknown>; config: Record<string, unknown>; mediaType: string}> {
    const http = new RegistryHttp({username: 'AWS', password: world.registry.password, proxyEndpoint: world.registry.endpoint})
    const manifest = await http.manifest(repository, tag)
    const config = await http.blobJson(repository, (manifest.json.config as {digest: string}).digest)
    return {manifest: manifest.json, config, mediaType: manifest.mediaType}
  }

  it('creates the repository with its settings, pushes an x86_64 image and reads it back', async () => {
    const events: PushEvent[] = []
    const result = await push({image: amd64}, events)
    const info = await world.engine.images.inspect(amd64)
    assert.equal(result.tag, `x86_64-${info!.id.slice('sha256:'.length, 'sha256:'.length + 12)}`)
    assert.equal(result.registry, world.registry.host)
    assert.equal(result.imageUri, `${world.registry.host}/limg-test/${RUN_ID}:${result.tag}`)
    assert.equal(result.digestUri, `${world.registry.host}/limg-test/${RUN_ID}@${result.digest}`)
    assert.equal(result.mediaType, MEDIA_TYPES.dockerManifest)
    assert.equal(result.architecture, 'amd64')
    assert.equal(result.repositoryCreated, true)
    assert.equal(result.alreadyPushed, false)
    assert.deepEqual(result.layers, {pushed: 2, existing: 0})
    assert.ok(result.bytesUploaded > 1024 * 1024, String(result.bytesUploaded))
    figures.firstPush = result.bytesUploaded
    assert.ok(events.some((e) => e.type === 'layer' && e.status === 'pushed'))

    const repo = world.ecr.repositories.get(`limg-test/${RUN_ID}`)
    assert.ok(repo)
    assert.equal(repo.imageTagMutability, 'IMMUTABLE')
    assert.equal(repo.imageScanningConfiguration.scanOnPush, true)
    const policy = JSON.parse(repo.lifecyclePolicyText ?? '{}') as {rules: {selection: {countType: string; countNumber: number}; action: {type: string}}[]}
    assert.equal(policy.rules[0].selection.countType, 'imageCountMoreThan')
    assert.equal(policy.rules[0].selection.countNumber, 7)
    assert.equal(policy.rules[0].action.type, 'expire')

    const back = await readBack(`limg-test/${RUN_ID}`, result.tag)
    assert.equal(back.config.architecture, 'amd64')
    // The name with the registry in it was only for the engine's push; the user's own name stays.
    assert.equal(await world.engine.images.inspect(result.imageUri), undefined, `${result.imageUri} is still tagged locally`)
    assert.equal((await world.engine.images.inspect(amd64))?.id, info!.id)
    // Every ECR call was signed for the test's key and region, or the stand-in would have refused it.
    assert.ok(world.ecr.calls.every((c) => c.status === 200 || c.operation === 'DescribeRepositories' || c.operation === 'BatchGetImage'))
  })

  it('pushes an arm64 image whose manifest and config say arm64', async () => {
    const result = await push({image: arm64, arch: 'arm64', repository: `limg-test/${RUN_ID}-arm`})
    assert.equal(result.architecture, 'arm64')
    assert.match(result.tag, /^arm64-[0-9a-f]{12}$/)
    const back = await readBack(`limg-test/${RUN_ID}-arm`, result.tag)
    assert.equal(back.mediaType, MEDIA_TYPES.dockerManifest)
    assert.equal(back.config.architecture, 'arm64')
    assert.equal(back.config.os, 'linux')
  })

  it('pushing the same image again is a no-op, and under a new tag uploads no layer', async () => {
    const again = await push({image: amd64})
    assert.equal(again.alreadyPushed, true)
    assert.equal(again.bytesUploaded, 0)
    assert.deepEqual(again.layers, {pushed: 0, existing: 2})
    figures.repeatPush = again.bytesUploaded

    const events: PushEvent[] = []
    const retagged = await push({image: amd64, tag: `again-${RUN_ID}`}, events)
    assert.equal(retagged.alreadyPushed, false)
    assert.equal(retagged.bytesUploaded, 0)
    assert.deepEqual(retagged.layers, {pushed: 0, existing: 2})
    const final = new Map(events.flatMap((e) => (e.type === 'layer' ? [[e.id, e.status] as const] : [])))
    assert.equal(final.size, 2)
    assert.ok([...final.values()].every((s) => s === 'exists'), JSON.stringify([...final]))
    figures.repeatPushNewTag = retagged.bytesUploaded
  })

  it('after a one-line change only the new top layer is uploaded', async () => {
    const result = await push({image: amd64Changed})
    assert.deepEqual(result.layers, {pushed: 1, existing: 1})
    assert.ok(result.bytesUploaded > 0)
    assert.ok(result.bytesUploaded < figures.firstPush / 100, `${result.bytesUploaded} of ${figures.firstPush}`)
    figures.oneLineChange = result.bytesUploaded
  })

  it('refuses to overwrite a tag in an immutable repository with another image', async () => {
    await assert.rejects(push({image: amd64Changed, tag: `again-${RUN_ID}`}), (error: unknown) => {
      assert.ok(error instanceof RegistryError)
      assert.match(error.message, /already exists in the immutable repository/)
      return true
    })
  })

  it('with --no-create-repository, a missing repository is an error saying how to create it', async () => {
    await assert.rejects(push({image: amd64, repository: `limg-test/${RUN_ID}-missing`, createRepository: false}), (error: unknown) => {
      assert.ok(error instanceof RegistryError)
      assert.match(error.message, /does not exist in eu-west-3/)
      assert.match(error.suggestion ?? '', /aws ecr create-repository --repository-name limg-test\/.*-missing/)
      return true
    })
    assert.equal(world.ecr.repositories.has(`limg-test/${RUN_ID}-missing`), false)
  })

  it('without credentials: a clear error saying how to configure them', async () => {
    const restore = setProcessEnv({HOME: world.home, AWS_REGION: REGION, AWS_ENDPOINT_URL_ECR: world.ecr.endpoint, AWS_EC2_METADATA_DISABLED: 'true'})
    try {
      await assert.rejects(push({image: amd64}), (error: unknown) => {
        assert.ok(error instanceof RegistryError)
        assert.equal(error.message, 'No AWS credentials found.')
        assert.match(error.suggestion ?? '', /aws configure.*aws sso login.*AWS_PROFILE/)
        return true
      })
    } finally {
      restore()
    }
  })

  it('without a region: a clear error', async () => {
    const {AWS_REGION: _, ...noRegion} = awsEnv(world.ecr, world.home)
    const restore = setProcessEnv(noRegion)
    try {
      await assert.rejects(push({image: amd64}), (error: unknown) => error instanceof RegistryError && /No AWS region/.test(error.message))
    } finally {
      restore()
    }
  })

  it('a wrong secret key is refused by the signature check', async () => {
    const restore = setProcessEnv({...awsEnv(world.ecr, world.home), AWS_SECRET_ACCESS_KEY: 'not-the-secret'})
    try {
      await assert.rejects(push({image: amd64}), (error: unknown) => error instanceof RegistryError && /InvalidSignatureException/.test(error.message))
    } finally {
      restore()
    }
  })

  it('an expired session says to sign in again', async () => {
    world.ecr.failures.set('GetAuthorizationToken', {type: 'ExpiredTokenException', message: 'The security token included in the request is expired', times: 1})
    await assert.rejects(push({image: amd64}), (error: unknown) => {
      assert.ok(error instanceof RegistryError)
      assert.match(error.message, /session has expired/)
      assert.match(error.suggestion ?? '', /aws sso login/)
      return true
    })
  })

  it('AccessDeniedException names the IAM action', async () => {
    world.ecr.failures.set('CreateRepository', {
      type: 'AccessDeniedException',
      message: `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:CreateRepository`,
      times: 1,
    })
    await assert.rejects(push({image: amd64, repository: `limg-test/${RUN_ID}-denied`}), (error: unknown) => {
      assert.ok(error instanceof RegistryError)
      assert.match(error.message, /Not allowed to call ecr:CreateRepository in eu-west-3/)
      return true
    })
  })

  it('a token the registry refuses is renewed once; a second refusal is an error', async () => {
    const before = world.ecr.operations().filter((o) => o === 'GetAuthorizationToken').length
    world.ecr.nextTokens.push({password: 'stale-password'})
    const renewed = await push({image: amd64Changed, tag: `renewed-${RUN_ID}`})
    assert.equal(renewed.layers.pushed, 0)
    assert.equal(world.ecr.operations().filter((o) => o === 'GetAuthorizationToken').length - before, 2)

    world.ecr.nextTokens.push({password: 'wrong-1'}, {password: 'wrong-2'})
    await assert.rejects(push({image: amd64Changed, tag: `refused-${RUN_ID}`}), (error: unknown) => {
      assert.ok(error instanceof RegistryError)
      assert.match(error.message, /refused the ECR token, also after fetching a fresh one/)
      return true
    })
  })

  it('a token near its expiry is renewed before use', async () => {
    const before = world.ecr.operations().filter((o) => o === 'GetAuthorizationToken').length
    world.ecr.nextTokens.push({expiresAt: new Date(Date.now() + 60_000)})
    await push({image: amd64Changed, tag: `fresh-${RUN_ID}`})
    assert.equal(world.ecr.operations().filter((o) => o === 'GetAuthorizationToken').length - before, 2)
  })

  it('a registry that is down is a clear error, and leaves no local name for it', async () => {
    const closed = `127.0.0.1:${await freePort()}`
    world.ecr.proxyEndpoint = `http://${closed}`
    try {
      await assert.rejects(push({image: amd64Changed, tag: `down-${RUN_ID}`}), (error: unknown) => {
        assert.ok(error instanceof RegistryError)
        assert.match(error.message, /cannot reach the registry|Cannot reach the registry|Could not read the image back/)
        return true
      })
    } finally {
      world.ecr.proxyEndpoint = world.registry.endpoint
    }
    assert.equal(await world.engine.images.inspect(`${closed}/limg-test/${RUN_ID}:down-${RUN_ID}`), undefined)
    assert.ok(await world.engine.images.inspect(amd64Changed))
  })

  it('an interrupted push (Ctrl-C) leaves no local name for the registry', async () => {
    const controller = new AbortController()
    const tag = `interrupted-${RUN_ID}`
    // Layers no registry holds yet, so the push has something to upload when it is interrupted.
    const fresh = await buildRandomImage(world.engine, `limg-${RUN_ID}-int`, 'x86_64', [4 * 1024 * 1024])
    const push2 = push({image: fresh, repository: `limg-test/${RUN_ID}-int`, tag, signal: controller.signal, onEvent: (e) => {
      // Aborted as the first layer starts going out, as Ctrl-C would.
      if (e.type === 'layer' && e.status === 'pushing') controller.abort(new InterruptedError())
    }})
    await assert.rejects(push2, (error: unknown) => error instanceof InterruptedError)
    assert.equal(await world.engine.images.inspect(`${world.registry.host}/limg-test/${RUN_ID}-int:${tag}`), undefined)
    assert.ok(await world.engine.images.inspect(fresh))
  })

  it('a local name for the registry that existed before the push is kept', async () => {
    const tag = `kept-${RUN_ID}`
    const ref = `${world.registry.host}/limg-test/${RUN_ID}:${tag}`
    await world.engine.images.tag(amd64Changed, `${world.registry.host}/limg-test/${RUN_ID}`, tag)
    await push({image: amd64Changed, tag})
    assert.equal((await world.engine.images.inspect(ref))?.id, (await world.engine.images.inspect(amd64Changed))?.id)
  })

  it('refuses an image index, and a manifest for the other architecture', async () => {
    const repository = `limg-test/${RUN_ID}-arm`
    const http = new RegistryHttp({username: 'AWS', password: world.registry.password, proxyEndpoint: world.registry.endpoint})
    const arm = await world.engine.images.inspect(arm64)
    const armTag = `arm64-${arm!.id.slice(7, 19)}`
    const single = await http.manifest(repository, armTag)
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [{mediaType: single.mediaType, digest: single.digest, size: single.body.length, platform: {architecture: 'arm64', os: 'linux'}}],
    })
    const put = await fetch(`${world.registry.endpoint}/v2/${repository}/manifests/index-${RUN_ID}`, {
      method: 'PUT',
      headers: {'content-type': MEDIA_TYPES.ociIndex, authorization: `Basic ${Buffer.from(`AWS:${world.registry.password}`).toString('base64')}`},
      body: index,
    })
    assert.equal(put.status, 201, await put.text())
    await assert.rejects(checkManifest(http, repository, `index-${RUN_ID}`, 'arm64'), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError)
      assert.match(error.message, /image index .* Lambda rejects/)
      assert.match(error.suggestion ?? '', /--provenance=false/)
      return true
    })
    await assert.rejects(checkManifest(http, repository, armTag, 'x86_64'), (error: unknown) => error instanceof BuildFailedError && /arm64 image, but the function is x86_64/.test(error.message))
    assert.equal((await checkManifest(http, repository, armTag, 'arm64')).architecture, 'arm64')
  })

  it('refuses to push a local image of the wrong architecture', async () => {
    await assert.rejects(push({image: arm64, arch: 'x86_64'}), (error: unknown) => error instanceof InvalidInputError && /is for arm64, but the function is x86_64/.test(error.message))
  })

  it('a missing local image says to run limg build', async () => {
    await assert.rejects(push({image: `limg-${RUN_ID}-nothing:x86_64`}), (error: unknown) => error instanceof InvalidInputError && /limg build/.test(error.suggestion ?? ''))
  })

  it('the token decodes to AWS:<password> and nothing was written under HOME', async () => {
    const data = await new SdkEcrApi().getAuthorization()
    assert.equal(decodeAuthorization(data).password, world.registry.password)
    assert.deepEqual(await readdir(world.home), [])
    assert.ok(world.ecr.calls.length > 0 && ACCESS_KEY_ID.length > 0)
  })
})
