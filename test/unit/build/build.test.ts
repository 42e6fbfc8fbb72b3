import {strict as assert} from 'node:assert'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Readable} from 'node:stream'
import {extract} from 'tar-stream'
import {INJECTED_CA_CERT, INJECTED_DOCKERFILE, INJECTED_INSTALL_CONFIG, buildProject, defaultTag} from '../../../src/build/build.js'
import type {BuildProgressEvent} from '../../../src/build/events.js'
import {readLastBuild} from '../../../src/build/last-build.js'
import {MAX_IMAGE_BYTES} from '../../../src/build/checks.js'
import {validateProjectConfig} from '../../../src/config/schema.js'
import type {BuildImageOptions, Engine, ImageInfo} from '../../../src/engine/engine.js'
import {BuildFailedError, InvalidInputError} from '../../../src/errors/index.js'

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
  tagged: Array<[string, string, string]> = []
  removed: Array<{ref: string; keepParents?: boolean}> = []

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
  async tagImage(ref: string, repo: string, tag: string): Promise<void> {
    this.tagged.push([ref, repo, tag])
  }
  async existingPaths(_image: string, paths: string[]): Promise<string[]> {
    return paths.filter((p) => this.paths.includes(p))
  }
  async removeImage(ref: string, options: {keepParents?: boolean} = {}): Promise<void> {
    this.removed.push({ref, ...(options.keepParents === undefined ? {} : {keepParents: options.keepParents})})
  }
}

describe('buildProject', () => {
  let dir: string
  let cache: string
  let engine: FakeEngine
  const config = (over: Record<string, unknown> = {}) => validateProjectConfig({name: 'My_Fn', runtime: 'nodejs22.x', template: 'commonjs', ...over}, 'limg.json')
  // limg records each build in its cache; the tests keep theirs apart.
  const env = (over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({LIMG_CACHE_DIR: cache, ...over})
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-build-unit-'))
    cache = await mkdtemp(join(tmpdir(), 'limg-build-cache-'))
    await writeFile(join(dir, 'index.js'), 'exports.handler = async () => 1')
    await writeFile(join(dir, 'package.json'), '{}')
    await writeFile(join(dir, 'package-lock.json'), '{"lockfileVersion": 3}')
    engine = new FakeEngine()
    engine.images.set('base:amd64', image({id: 'sha256:base'}))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
    await rm(cache, {recursive: true, force: true})
  })

  it('builds with the template, the platform, per-architecture tag, labels, base image and proxy arguments', async () => {
    const result = await buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env({HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'localhost'}), now: () => 0})
    const opts = engine.built?.options
    assert.equal(opts?.platform, 'linux/amd64')
    // Built untagged, and tagged once the checks have passed.
    assert.deepEqual(opts?.tags, [])
    assert.deepEqual(engine.tagged, [['sha256:img', 'my_fn', 'x86_64']])
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
      await buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env({NODE_EXTRA_CA_CERTS: ca})})
      assert.equal(engine.built?.files.get(INJECTED_CA_CERT), '-----BEGIN CERTIFICATE-----\n')
      assert.match(engine.built?.files.get(INJECTED_DOCKERFILE) ?? '', new RegExp(INJECTED_CA_CERT.replace(/\./g, '\\.')))
    } finally {
      await rm(ca, {force: true})
    }
  })

  it('pulls a missing base image, and says how to get one when the pull fails', async () => {
    engine.pullFails = true
    await assert.rejects(buildProject(engine, {projectDir: dir, config: config(), env: env()}), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError)
      assert.match(error.message, /public\.ecr\.aws\/lambda\/nodejs:22-x86_64 .*cannot be pulled/)
      assert.match(error.suggestion ?? '', /--base-image/)
      assert.match(error.suggestion ?? '', /limg base build --runtime nodejs22.x --arch x86_64/)
      return true
    })
    assert.deepEqual(engine.pulls, ['public.ecr.aws/lambda/nodejs:22-x86_64'])
  })

  it('refuses a base image of the wrong architecture, naming it', async () => {
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config({arch: 'arm64'}), baseImage: 'base:amd64'}, env: env()}), /base image base:amd64 is amd64, but the build is for arm64/)
    assert.equal(engine.built, undefined)
  })

  it('fails when the result has another architecture than asked', async () => {
    engine.result = image({architecture: 'arm64'})
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /built for arm64, not amd64/)
  })

  it('fails when the handler file is not in the image', async () => {
    engine.paths = []
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /handler "index.handler" is not in the image/)
  })

  it('fails over Lambda\'s 10 GB limit', async () => {
    engine.result = image({sizeBytes: MAX_IMAGE_BYTES + 1})
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /up to 10 GB/)
  })

  it('uses the project\'s Dockerfile as it is and checks the handler under its WORKDIR', async () => {
    await writeFile(join(dir, 'Dockerfile'), 'FROM base:amd64\nWORKDIR /app\nCOPY . .\nCMD ["index.handler"]\n')
    engine.result = image({workingDir: '/app'})
    engine.paths = ['/app/index.js']
    const result = await buildProject(engine, {projectDir: dir, config: config(), env: env()})
    assert.equal(result.dockerfile, 'project')
    assert.equal(result.baseImage, 'base:amd64')
    assert.ok(engine.built?.files.get(INJECTED_DOCKERFILE)?.startsWith('FROM base:amd64\nWORKDIR /app\nCOPY . .\nCMD ["index.handler"]\nLABEL "limg"="true"'))
    assert.equal(engine.built?.options.buildArgs?.BASE_IMAGE, undefined)
  })

  it('warns on a deprecated runtime', async () => {
    const result = await buildProject(engine, {projectDir: dir, config: {...config({runtime: 'nodejs16.x'}), baseImage: 'base:amd64'}, env: env()})
    assert.match(result.warnings.join('\n'), /nodejs16.x is deprecated/)
  })

  it('leaves the tag alone when the image fails a check, and removes the refused image but not its cached layers', async () => {
    engine.paths = []
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /is not in the image/)
    assert.deepEqual(engine.tagged, [])
    assert.deepEqual(engine.removed, [{ref: 'sha256:img', keepParents: true}])
  })

  it('keeps an image the engine already names (an identical earlier build) when a check fails', async () => {
    engine.paths = []
    engine.result = image({repoTags: ['my_fn:x86_64']})
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /is not in the image/)
    assert.deepEqual(engine.removed, [])
  })

  it('keeps secrets out of the context at any depth, names them, and gives .npmrc to the install only', async () => {
    const files: Record<string, string> = {
      '.env': 'A=1', 'sub/.env': 'B=2', '.env.example': 'A=', '.npmrc': '//registry/:_authToken=secret',
      '.aws/credentials': '[default]', '.ssh/id_rsa': 'key', 'server.key': 'key', '.git/HEAD': 'ref',
      'certs/bundle.pem': '-----BEGIN CERTIFICATE-----\n', 'certs/private.pem': '-----BEGIN PRIVATE KEY-----\n',
    }
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), {recursive: true})
      await writeFile(join(dir, path), content)
    }
    const events: BuildProgressEvent[] = []
    const result = await buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env(), onEvent: (e) => events.push(e)})
    const sent = [...(engine.built?.files.keys() ?? [])]
    for (const secret of ['.env', 'sub/.env', '.npmrc', '.aws/credentials', '.ssh/id_rsa', 'server.key', '.git/HEAD', 'certs/private.pem']) {
      assert.ok(!sent.includes(secret), `${secret} is not sent`)
    }
    for (const kept of ['.env.example', 'certs/bundle.pem', 'index.js']) assert.ok(sent.includes(kept), `${kept} is sent`)
    assert.deepEqual([...result.keptOut].sort(), ['.aws/', '.env', '.git/', '.npmrc', '.ssh/', 'certs/private.pem', 'server.key', 'sub/.env'])
    assert.equal(engine.built?.files.get(`${INJECTED_INSTALL_CONFIG}/.npmrc`), '//registry/:_authToken=secret')
    const dockerfile = engine.built?.files.get(INJECTED_DOCKERFILE) ?? ''
    assert.match(dockerfile, new RegExp(`COPY ${INJECTED_INSTALL_CONFIG} \\./`))
    assert.match(dockerfile, new RegExp(`RUN rm -rf ${INJECTED_INSTALL_CONFIG}`))
    assert.deepEqual(events.find((e) => e.type === 'secrets'), {type: 'secrets', keptOut: result.keptOut, reincluded: [], installConfig: ['.npmrc']})
  })

  it('sends a secret the project\'s .dockerignore names with "!", and says so', async () => {
    await writeFile(join(dir, 'server.key'), 'key')
    await writeFile(join(dir, '.dockerignore'), 'node_modules\n!server.key\n')
    const events: BuildProgressEvent[] = []
    const result = await buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env(), onEvent: (e) => events.push(e)})
    assert.ok(engine.built?.files.has('server.key'))
    assert.deepEqual(result.keptOut, [])
    assert.deepEqual(events.find((e) => e.type === 'secrets'), {type: 'secrets', keptOut: [], reincluded: ['server.key'], installConfig: []})
  })

  it('refuses a base image labelled for another runtime before building', async () => {
    engine.images.set('base:amd64', image({id: 'sha256:base', labels: {'limg.base.runtime': 'nodejs20.x'}}))
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config({runtime: 'nodejs24.x'}), baseImage: 'base:amd64'}, env: env()}), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.message, /base:amd64 is for nodejs20\.x .*limg\.json's runtime is nodejs24\.x/)
      assert.match(error.suggestion ?? '', /limg base build --runtime nodejs24\.x --arch x86_64/)
      return true
    })
    assert.equal(engine.built, undefined)
  })

  it('refuses a callback handler on nodejs24.x before building, and builds it on nodejs22.x', async () => {
    await writeFile(join(dir, 'index.js'), 'exports.handler = function (event, context, callback) { callback(null, 1) }\n')
    engine.images.set('base:amd64', image({id: 'sha256:base'}))
    await assert.rejects(buildProject(engine, {projectDir: dir, config: {...config({runtime: 'nodejs24.x'}), baseImage: 'base:amd64'}, env: env()}), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.message, /callback .*nodejs24\.x/)
      assert.match(error.suggestion ?? '', /async function of \(event, context\)/)
      return true
    })
    assert.equal(engine.built, undefined)
    await buildProject(engine, {projectDir: dir, config: {...config({runtime: 'nodejs22.x'}), baseImage: 'base:amd64'}, env: env()})
    assert.ok(engine.built)
  })

  it('records the build so limg run can rebuild the same way', async () => {
    await buildProject(engine, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env(), settings: {baseImage: 'base:amd64'}, now: () => 42})
    assert.deepEqual(await readLastBuild(dir, env()), {image: 'my_fn:x86_64', imageId: 'sha256:img', startedAt: 42, settings: {baseImage: 'base:amd64'}})
  })
})
