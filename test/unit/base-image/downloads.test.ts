import {strict as assert} from 'node:assert'
import {createWriteStream} from 'node:fs'
import {mkdtemp, readFile, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {createGzip} from 'node:zlib'
import {pack} from 'tar-stream'
import {aptOptions} from '../../../src/base-image/debian-system.js'
import {sdkCacheKey, sdkSpecs} from '../../../src/base-image/sdk.js'
import {extractTarball, underPackage} from '../../../src/base-image/tarball.js'
import {RUNTIMES, getRuntime} from '../../../src/catalog/runtimes.js'

async function writeTgz(file: string, entries: Array<{name: string; content: string}>): Promise<void> {
  const tar = pack()
  for (const entry of entries) tar.entry({name: entry.name, mode: 0o755}, entry.content)
  tar.finalize()
  await pipeline(tar as unknown as NodeJS.ReadableStream, createGzip(), createWriteStream(file))
}

describe('downloads', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-unit-dl-'))
  })

  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('extracts only the picked entries of an npm tarball', async () => {
    await writeTgz(join(dir, 'node.tgz'), [
      {name: 'package/README.md', content: 'readme'},
      {name: 'package/bin/node', content: 'ELF'},
    ])
    const written = await extractTarball(join(dir, 'node.tgz'), join(dir, 'out'), (name) => (name === 'package/bin/node' ? 'node' : undefined))
    assert.equal(written, 1)
    assert.deepEqual(await readdir(join(dir, 'out')), ['node'])
    assert.equal(await readFile(join(dir, 'out', 'node'), 'utf8'), 'ELF')
  })

  it('refuses tarball entries that would land outside the destination', async () => {
    await writeTgz(join(dir, 'evil.tgz'), [{name: 'package/../../escape', content: 'x'}])
    await assert.rejects(extractTarball(join(dir, 'evil.tgz'), join(dir, 'out'), underPackage), /outside/)
  })

  it('keeps apt on the target architecture and on limg\'s own state', () => {
    const options = aptOptions('arm64', '/cache/apt/arm64', false)
    assert.deepEqual(options, [
      '-q',
      '-oAPT::Architecture=arm64',
      '-oAPT::Architectures=arm64',
      '-oDir::State::Lists=/cache/apt/arm64/lists',
      '-oDir::Cache=/cache/apt/arm64/cache',
      '-oDir::State::status=/cache/apt/arm64/status',
    ])
    assert.ok(aptOptions('amd64', '/c', true).includes('-oAPT::Sandbox::User=root'))
  })
})

describe('bundled SDK', () => {
  const V3_CLIENTS = ['client-lambda', 'client-s3', 'client-dynamodb', 'lib-dynamodb', 'client-sqs', 'client-sns', 'client-sts', 'client-secrets-manager', 'client-ssm']

  it('is aws-sdk v2 up to nodejs16.x and the v3 clients from nodejs18.x, one version per runtime', () => {
    for (const runtime of RUNTIMES) {
      const specs = sdkSpecs(runtime)
      if (runtime.major <= 16) {
        assert.deepEqual(specs, [`aws-sdk@${runtime.bundledSdk.version}`], runtime.id)
      } else {
        assert.deepEqual(specs, V3_CLIENTS.map((c) => `@aws-sdk/${c}@${runtime.bundledSdk.version}`), runtime.id)
      }
    }
  })

  it('pins nodejs18.x to a v3 release that still supports Node 18 (3.968.0 requires Node 20)', () => {
    const [major, minor] = getRuntime('nodejs18.x').bundledSdk.version.split('.').map(Number)
    assert.equal(major, 3)
    assert.ok(minor < 968, `3.${minor} needs Node 20`)
  })

  it('caches each package list apart', () => {
    assert.notEqual(sdkCacheKey(getRuntime('nodejs18.x')), sdkCacheKey(getRuntime('nodejs20.x')))
    assert.equal(sdkCacheKey(getRuntime('nodejs20.x')), sdkCacheKey(getRuntime('nodejs24.x')))
    assert.match(sdkCacheKey(getRuntime('nodejs16.x')), /^sdk\/aws-sdk-v2-2\.1083\.0-[0-9a-f]{12}$/)
  })
})
