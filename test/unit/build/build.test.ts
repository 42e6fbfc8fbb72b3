import {strict as assert} from 'node:assert'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Readable} from 'node:stream'
import {extract} from 'tar-stream'
import {INJECTED_CA_CERT, INJECTED_DOCKERFILE, buildProject, defaultTag} from '../../../src/build/build.js'
import {MAX_IMAGE_BYTES} from '../../../src/build/checks.js'
import {validateProjectConfig} from '../../../src/config/schema.js'
import type {BuildImageOptions, Engine, ImageInfo} from '../../../src/engine/engine.js'
import {BuildFailedError} from '../../../src/errors/index.js'

function image(over: Partial<ImageInfo> = {}): ImageInfo {
  return {id: 'sha256:img', architecture: 'amd64', os: 'linux', sizeBytes: 1000, labels: {}, cmd: ['index.handler'], entrypoint: [], env: [], workingDir: '/var/task', repoTags: [], repoDigests: [], created: '', ...over}
}

/** An engine that records what it is asked and answers from tables. */
class FakeEngine implements Engine {
  readonly target = 'unix:///fake.sock'
  images = new Map<string, ImageInfo>()
  pulls: string[] = []
  pullFails = false
  built: {options: BuildImageOptions; files: Map<string, string>} | undefined
  result = image()
  paths = ['/var/task/index.js']

  async ping(): Promise<void> {}
  async buildImage(context: Readable, options: BuildImageOptions): Promise<{imageId: string; steps: number; cachedSteps: number}> {
    const files = new Map<string, string>()
    const ex = extract()
    context.pipe(ex as unknown as NodeJS.WritableStream)
    for await (const entry of ex) {
      const chunks: Buffer[] = []
      for await (const c of entry) chunks.push(c as Buffer)
      files.set(entry.header.name, Buffer.concat(chunks).toString())
    }
    this.built = {options, files}
    this.images.set(this.result.id, this.result)
    return {imageId: this.result.id, steps: 5, cachedSteps: 2}
  }
  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    return this.images.get(ref)
  }
  async pullImage(ref: string): Promise<void> {
    this.pulls.push(ref)
    if (this.pullFails) throw new Error('pull access denied')
    this.images.set(ref, image({id: `sha256:${ref}`}))
  }
  async tagImage(): Promise<void> {}
  async existingPaths(_image: string, paths: string[]): Promise<string[]> {
    return paths.filter((p) => this.paths.includes(p))
  }
  async removeImage(): Promise<void> {}
}

describe('buildProject', () => {
  let dir: string
  let engine: FakeEngine
  const config = (over: Record<string, unknown> = {}) => validateProjectConfig({name: 'My_Fn', runtime: 'nodejs22.x', template: 'commonjs', ...over}, 'limg.json')
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-build-unit-'))
    await writeFile(join(dir, 'index.js'), 'exports.handler = async () => 1')
    await writeFile(join(dir, 'package.json'), '{}')
    engine = new FakeEngine()
    engine.images.set('base:amd64', image({id: 'sha256:base'}))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('builds with the template, the platform, per-architecture tag, labels, base image and proxy arguments', async () => {
    const result = await buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: {HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'localhost'}, now: () => 0})
    const opts = engine.built?.options
    assert.equal(opts?.platform, 'linux/amd64')
    assert.deepEqual(opts?.tags, ['my_fn:x86_64'])
    assert.equal(opts?.dockerfile, INJECTED_DOCKERFILE)
    // One LABEL instruction (one step) rather than the engine's one step per label.
    assert.match(engine.built?.files.get(INJECTED_DOCKERFILE) ?? '', /\nLABEL "limg"="true" "limg.project"="My_Fn" "limg.runtime"="nodejs22.x" "limg.arch"="x86_64"\n$/)
    assert.deepEqual(opts?.buildArgs, {HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'localhost', BASE_IMAGE: 'base:amd64'})
    assert.match(engine.built?.files.get(INJECTED_DOCKERFILE) ?? '', /CMD \["index.handler"\]/)
    assert.equal(result.dockerfile, 'template')
    assert.equal(result.image, 'my_fn:x86_64')
    assert.equal(result.steps, 5)
    assert.equal(result.cachedSteps, 2)
    assert.deepEqual(result.warnings, [])
    assert.deepEqual(engine.pulls, [])
  })

  it('gives an arm64 build its own tag', () => {
    assert.notEqual(defaultTag('Fn', 'arm64'), defaultTag('Fn', 'x86_64'))
  })

  it('injects the CA certificate for the install step when NODE_EXTRA_CA_CERTS is set', async () => {
    const ca = join(dir, '..', `ca-${Date.now()}.pem`)
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\n')
    try {
      await buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: {NODE_EXTRA_CA_CERTS: ca}})
      assert.equal(engine.built?.files.get(INJECTED_CA_CERT), '-----BEGIN CERTIFICATE-----\n')
      assert.match(engine.built?.files.get(INJECTED_DOCKERFILE) ?? '', new RegExp(INJECTED_CA_CERT.replace(/\./g, '\\.')))
    } finally {
      await rm(ca, {force: true})
    }
  })

  it('pulls a missing base image, and says how to get one when the pull fails', async () => {
    engine.pullFails = true
    await assert.rejects(buildProject(engine, {projectDir: dir, config: config(), env: {}}), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError)
      assert.match(error.message, /public\.ecr\.aws\/lambda\/nodejs:22-x86_64 .*cannot be pulled/)
      assert.match(error.suggestion ?? '', /--base-image/)
      assert.match(error.suggestion ?? '', /limg base build --runtime nodejs22.x --arch x86_64/)
      return true
    })
    assert.deepEqual(engine.pulls, ['public.ecr.aws/lambda/nodejs:22-x86_64'])
  })

  it('refuses a base image of the wrong architecture, naming it', async () => {
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config({arch: 'arm64'}), baseImage: 'base:amd64'}, env: {}}), /base image base:amd64 is amd64, but the build is for arm64/)
    assert.equal(engine.built, undefined)
  })

  it('fails when the result has another architecture than asked', async () => {
    engine.result = image({architecture: 'arm64'})
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: {}}), /built for arm64, not amd64/)
  })

  it('fails when the handler file is not in the image', async () => {
    engine.paths = []
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: {}}), /handler "index.handler" is not in the image/)
  })

  it('fails over Lambda\'s 10 GB limit', async () => {
    engine.result = image({sizeBytes: MAX_IMAGE_BYTES + 1})
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: {}}), /up to 10 GB/)
  })

  it('uses the project\'s Dockerfile as it is and checks the handler under its WORKDIR', async () => {
    await writeFile(join(dir, 'Dockerfile'), 'FROM base:amd64\nWORKDIR /app\nCOPY . .\nCMD ["index.handler"]\n')
    engine.result = image({workingDir: '/app'})
    engine.paths = ['/app/index.js']
    const result = await buildProject(engine, {projectDir: dir, config: config(), env: {}})
    assert.equal(result.dockerfile, 'project')
    assert.equal(result.baseImage, 'base:amd64')
    assert.ok(engine.built?.files.get(INJECTED_DOCKERFILE)?.startsWith('FROM base:amd64\nWORKDIR /app\nCOPY . .\nCMD ["index.handler"]\nLABEL "limg"="true"'))
    assert.equal(engine.built?.options.buildArgs?.BASE_IMAGE, undefined)
  })

  it('warns on a deprecated runtime', async () => {
    const result = await buildProject(engine, {projectDir: dir, config: {...config({runtime: 'nodejs16.x'}), baseImage: 'base:amd64'}, env: {}})
    assert.match(result.warnings.join('\n'), /nodejs16.x is deprecated/)
  })
})
