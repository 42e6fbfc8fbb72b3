import {strict as assert} from 'node:assert'
import {readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {HASH_LABEL, buildBaseImage, resolveTarget} from '../../../src/base-image/build.js'
import {DownloadCache} from '../../../src/base-image/cache.js'
import type {BaseBuildEvent} from '../../../src/base-image/events.js'
import {packagePath} from '../../../src/util/package-files.js'
import {getArchitecture, getRuntime} from '../../../src/catalog/runtimes.js'
import {BuildFailedError, InvalidInputError} from '../../../src/errors/index.js'
import {FakeImages} from '../../support/fakes/images.js'
import {fakeFilledCache, fakePackageRoot} from './fakes.js'

describe('resolveTarget', () => {
  it('refuses nodejs12.x on arm64 and names the valid choices', () => {
    assert.throws(
      () => resolveTarget('nodejs12.x', 'arm64'),
      (error: unknown) =>
        error instanceof InvalidInputError &&
        /nodejs12\.x cannot be built for arm64: Node\.js 12 was never published/.test(error.message) &&
        error.suggestion === 'Use --arch x86_64 for nodejs12.x, or for arm64 one of: nodejs14.x, nodejs16.x, nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x.',
    )
  })

  it('accepts every other runtime on both architectures', () => {
    for (const id of ['nodejs14.x', 'nodejs16.x', 'nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x']) {
      for (const arch of ['x86_64', 'arm64']) assert.equal(resolveTarget(id, arch).runtime.id, id)
    }
    assert.equal(resolveTarget('nodejs12.x', 'x86_64').arch.dockerArch, 'amd64')
  })

  it('refuses unknown runtimes and architectures', () => {
    assert.throws(() => resolveTarget('nodejs8.10', 'x86_64'), InvalidInputError)
    assert.throws(() => resolveTarget('nodejs20.x', 'aarch64'), /Lambda calls it arm64/)
  })
})

describe('buildBaseImage (fake engine, filled cache)', () => {
  const runtime = getRuntime('nodejs16.x')
  const arch = getArchitecture('arm64')
  let packageRoot: string
  let cacheDir: string

  beforeEach(async () => {
    packageRoot = await fakePackageRoot(await readFile(packagePath('Dockerfile.base'), 'utf8'))
    cacheDir = await fakeFilledCache(runtime, arch)
  })

  afterEach(async () => {
    await rm(packageRoot, {recursive: true, force: true})
    await rm(cacheDir, {recursive: true, force: true})
  })

  const build = (engine: FakeImages, options: Partial<Parameters<typeof buildBaseImage>[0]> = {}, events: BaseBuildEvent[] = []) =>
    buildBaseImage(
      {runtime: 'nodejs16.x', arch: 'arm64', ...options},
      {images: async () => engine, cache: new DownloadCache(cacheDir), packageRoot, onEvent: (e) => events.push(e)},
    )

  it('builds for the platform with the limg labels and reports the result', async () => {
    const engine = new FakeImages()
    engine.nextBuild = {sizeBytes: 1234}
    const events: BaseBuildEvent[] = []
    const result = await build(engine, {}, events)
    assert.equal(engine.builds.length, 1)
    const {options} = engine.builds[0]
    assert.deepEqual(options.tags, ['limg-offline/nodejs:16-arm64'])
    assert.equal(options.platform, 'linux/arm64')
    assert.equal(options.labels?.limg, 'true')
    assert.equal(options.labels?.['limg.base.runtime'], 'nodejs16.x')
    assert.equal(options.labels?.['limg.base.arch'], 'arm64')
    assert.equal(options.labels?.['limg.base.node'], '16.20.2')
    assert.match(options.labels?.[HASH_LABEL] ?? '', /^[0-9a-f]{64}$/)
    assert.deepEqual(
      {...result, durationMs: 0},
      {
        image: 'limg-offline/nodejs:16-arm64',
        imageId: `sha256:${'1'.padStart(64, '0')}`,
        architecture: 'arm64',
        runtime: 'nodejs16.x',
        nodeVersion: '16.20.2',
        npmVersion: '8.19.4',
        sdk: 'aws-sdk@2.1083.0',
        sizeBytes: 1234,
        durationMs: 0,
        cached: false,
      },
    )
    const downloads = events.filter((e) => e.type === 'download' && e.status === 'cached')
    assert.equal(downloads.length, 4, 'every download came from the cache')
    assert.ok(events.some((e) => e.type === 'build'))
  })

  it('streams a context laid out as Dockerfile.base copies it', async () => {
    const engine = new FakeImages()
    await build(engine)
    const entries = new Map(engine.builds[0].entries.map((e) => [e.name, e]))
    const mode = (name: string) => (entries.get(name)?.mode ?? -1) & 0o7777
    assert.match(entries.get('Dockerfile')?.content ?? '', /^FROM scratch$/m)
    assert.equal(mode('lang/bin/node'), 0o755)
    assert.equal(entries.get('lang/bin/npm')?.linkname, '../lib/node_modules/npm/bin/npm-cli.js')
    assert.equal(entries.get('lang/bin/npx')?.linkname, '../lib/node_modules/npm/bin/npx-cli.js')
    assert.equal(mode('lang/lib/node_modules/npm/bin/npm-cli.js'), 0o755)
    assert.equal(mode('system/tmp'), 0o1777)
    assert.equal(entries.get('system/etc/passwd')?.content, 'root:x:0:0:root:/root:/bin/sh\n')
    assert.ok(entries.has('system/bin/busybox'))
    assert.ok(entries.has('sdk/aws-sdk/package.json'))
    assert.equal(mode('runtime/bootstrap'), 0o755)
    assert.equal(entries.get('runtime/node-major')?.content, '16\n')
    assert.equal(mode('entrypoint/lambda-entrypoint.sh'), 0o755)
    assert.equal(mode('rie/aws-lambda-rie'), 0o755)
    assert.ok([...entries.values()].every((e) => e.uid === 0 && e.gid === 0), 'everything is owned by root')
  })

  it('reuses an image built from the same inputs without building or downloading', async () => {
    const engine = new FakeImages()
    await build(engine)
    // An empty cache proves nothing is fetched: a download would fail here.
    await rm(cacheDir, {recursive: true, force: true})
    const events: BaseBuildEvent[] = []
    const again = await build(engine, {}, events)
    assert.equal(engine.builds.length, 1)
    assert.equal(again.cached, true)
    assert.deepEqual(events, [{type: 'up-to-date', image: 'limg-offline/nodejs:16-arm64'}])
  })

  it('rebuilds when the runtime client changes, or when forced', async () => {
    const engine = new FakeImages()
    await build(engine)
    await build(engine, {force: true})
    assert.equal(engine.builds.length, 2)
    const before = engine.builds[1].options.labels?.[HASH_LABEL]
    await writeFile(join(packageRoot, 'base/runtime/limg-ric/main.js'), '// client, changed\n')
    const changed = await build(engine)
    assert.equal(changed.cached, false)
    assert.equal(engine.builds.length, 3)
    assert.notEqual(engine.builds[2].options.labels?.[HASH_LABEL], before)
  })

  it('builds under the --tag name', async () => {
    const engine = new FakeImages()
    const result = await build(engine, {tag: 'registry.example.com/lambda/node'})
    assert.equal(result.image, 'registry.example.com/lambda/node:latest')
    assert.deepEqual(engine.builds[0].options.tags, ['registry.example.com/lambda/node:latest'])
  })

  it('puts the --rie binary in place of the emulator', async () => {
    const engine = new FakeImages()
    const rie = join(packageRoot, 'real-rie')
    await writeFile(rie, 'GO BINARY')
    await build(engine, {riePath: rie})
    const entry = engine.builds[0].entries.find((e) => e.name === 'rie/aws-lambda-rie')
    assert.equal(entry?.content, 'GO BINARY')
    assert.equal((entry?.mode ?? 0) & 0o777, 0o755)
  })

  it('refuses an --rie path that is not a file', async () => {
    await assert.rejects(build(new FakeImages(), {riePath: join(packageRoot, 'nope')}), InvalidInputError)
  })

  it('says which part of the install is missing', async () => {
    await rm(join(packageRoot, 'base/runtime/bootstrap'))
    await assert.rejects(build(new FakeImages()), (error: unknown) => error instanceof BuildFailedError && /runtime interface client/.test(error.message))
  })

  it('fails when the engine records another architecture', async () => {
    const engine = new FakeImages()
    engine.nextBuild = {architecture: 'amd64'}
    await assert.rejects(build(engine), (error: unknown) => error instanceof BuildFailedError && /built as amd64, not arm64/.test(error.message))
  })
})
