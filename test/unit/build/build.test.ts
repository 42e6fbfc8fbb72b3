import {strict as assert} from 'node:assert'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {INJECTED_CA_CERT, INJECTED_DOCKERFILE, INJECTED_INSTALL_CONFIG, buildProject} from '../../../src/build/build.js'
import {projectImageTag} from '../../../src/config/image-tag.js'
import type {BuildProgressEvent} from '../../../src/build/events.js'
import {readLastBuild} from '../../../src/build/last-build.js'
import {MAX_IMAGE_BYTES} from '../../../src/build/checks.js'
import {validateProjectConfig} from '../../../src/config/schema.js'
import {BuildFailedError, InvalidInputError} from '../../../src/errors/index.js'
import {FakeImages, imageInfo as image} from '../../support/fakes/images.js'

/** The last build the fake engine was sent. */
const lastBuild = (): FakeImages['builds'][number] | undefined => images.builds[images.builds.length - 1]
let images: FakeImages

describe('buildProject', () => {
  let dir: string
  let cache: string
  const config = (over: Record<string, unknown> = {}) => validateProjectConfig({name: 'My_Fn', runtime: 'nodejs22.x', template: 'commonjs', ...over}, 'limg.json')
  // limg records each build in its cache; the tests keep theirs apart.
  const env = (over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({LIMG_CACHE_DIR: cache, ...over})
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-build-unit-'))
    cache = await mkdtemp(join(tmpdir(), 'limg-build-cache-'))
    await writeFile(join(dir, 'index.js'), 'exports.handler = async () => 1')
    await writeFile(join(dir, 'package.json'), '{}')
    await writeFile(join(dir, 'package-lock.json'), '{"lockfileVersion": 3}')
    images = new FakeImages()
    images.buildId = 'sha256:img'
    images.nextBuild = image()
    images.paths = ['/var/task/index.js']
    images.add(image({id: 'sha256:base'}), 'base:amd64')
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
    await rm(cache, {recursive: true, force: true})
  })

  it('builds with the template, the platform, per-architecture tag, labels, base image and proxy arguments', async () => {
    const result = await buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env({HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'localhost'}), now: () => 0})
    const opts = lastBuild()?.options
    assert.equal(opts?.platform, 'linux/amd64')
    // Built untagged, and tagged once the checks have passed.
    assert.deepEqual(opts?.tags, [])
    assert.deepEqual(images.tagged, [['sha256:img', 'my_fn', 'x86_64']])
    assert.equal(opts?.dockerfile, INJECTED_DOCKERFILE)
    // One LABEL instruction (one step) rather than the engine's one step per label.
    assert.match(lastBuild()?.files.get(INJECTED_DOCKERFILE) ?? '', /\nLABEL "limg"="true" "limg.project"="My_Fn" "limg.runtime"="nodejs22.x" "limg.arch"="x86_64"\n$/)
    assert.deepEqual(opts?.buildArgs, {HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'localhost', BASE_IMAGE: 'base:amd64'})
    assert.match(lastBuild()?.files.get(INJECTED_DOCKERFILE) ?? '', /CMD \["index.handler"\]/)
    assert.equal(result.dockerfile, 'template')
    assert.equal(result.image, 'my_fn:x86_64')
    assert.equal(result.steps, 5)
    assert.equal(result.cachedSteps, 2)
    assert.deepEqual(result.warnings, [])
    assert.deepEqual(images.pulls, [])
  })

  it('gives an arm64 build its own tag', () => {
    assert.notEqual(projectImageTag('Fn', 'arm64'), projectImageTag('Fn', 'x86_64'))
  })

  it('injects the CA certificate for the install step when NODE_EXTRA_CA_CERTS is set', async () => {
    const ca = join(dir, '..', `ca-${Date.now()}.pem`)
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\n')
    try {
      await buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env({NODE_EXTRA_CA_CERTS: ca})})
      assert.equal(lastBuild()?.files.get(INJECTED_CA_CERT), '-----BEGIN CERTIFICATE-----\n')
      assert.match(lastBuild()?.files.get(INJECTED_DOCKERFILE) ?? '', new RegExp(INJECTED_CA_CERT.replace(/\./g, '\\.')))
    } finally {
      await rm(ca, {force: true})
    }
  })

  it('pulls a missing base image, and says how to get one when the pull fails', async () => {
    images.pullFails = true
    await assert.rejects(buildProject(images, {projectDir: dir, config: config(), env: env()}), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError)
      assert.match(error.message, /public\.ecr\.aws\/lambda\/nodejs:22-x86_64 .*cannot be pulled/)
      assert.match(error.suggestion ?? '', /--base-image/)
      assert.match(error.suggestion ?? '', /limg base build --runtime nodejs22.x --arch x86_64/)
      return true
    })
    assert.deepEqual(images.pulls, ['public.ecr.aws/lambda/nodejs:22-x86_64'])
  })

  it('refuses a base image of the wrong architecture, naming it', async () => {
    await assert.rejects(buildProject(images, {projectDir: dir, config: {...config({arch: 'arm64'}), baseImage: 'base:amd64'}, env: env()}), /base image base:amd64 is amd64, but the build is for arm64/)
    assert.equal(lastBuild(), undefined)
  })

  it('fails when the result has another architecture than asked', async () => {
    images.nextBuild = image({architecture: 'arm64'})
    await assert.rejects(buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /built for arm64, not amd64/)
  })

  it('fails when the handler file is not in the image', async () => {
    images.paths = []
    await rm(join(dir, 'index.js'))
    await assert.rejects(buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /handler "index.handler" is not in the image/)
    assert.equal(images.pathChecks, 1)
  })

  it('reads the handler file from the context it sent when the template copies the context, and does not ask the engine', async () => {
    images.paths = []
    await buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()})
    assert.equal(images.pathChecks, 0)
  })

  it('asks the engine once for an image of a project Dockerfile, and not again for the same image ID', async () => {
    await writeFile(join(dir, 'Dockerfile'), 'FROM base:amd64\nCOPY . .\nCMD ["index.handler"]\n')
    images.paths = ['/var/task/index.js']
    await buildProject(images, {projectDir: dir, config: config(), env: env()})
    await buildProject(images, {projectDir: dir, config: config(), env: env()})
    assert.equal(images.pathChecks, 1)
    images.buildId = 'sha256:other'
    images.nextBuild = image({id: 'sha256:other'})
    await buildProject(images, {projectDir: dir, config: config(), env: env()})
    assert.equal(images.pathChecks, 2)
  })

  it('fails over Lambda\'s 10 GB limit', async () => {
    images.nextBuild = image({sizeBytes: MAX_IMAGE_BYTES + 1})
    await assert.rejects(buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /up to 10 GB/)
  })

  it('uses the project\'s Dockerfile as it is and checks the handler under its WORKDIR', async () => {
    await writeFile(join(dir, 'Dockerfile'), 'FROM base:amd64\nWORKDIR /app\nCOPY . .\nCMD ["index.handler"]\n')
    images.nextBuild = image({workingDir: '/app'})
    images.paths = ['/app/index.js']
    const result = await buildProject(images, {projectDir: dir, config: config(), env: env()})
    assert.equal(result.dockerfile, 'project')
    assert.equal(result.baseImage, 'base:amd64')
    assert.ok(lastBuild()?.files.get(INJECTED_DOCKERFILE)?.startsWith('FROM base:amd64\nWORKDIR /app\nCOPY . .\nCMD ["index.handler"]\nLABEL "limg"="true"'))
    assert.equal(lastBuild()?.options.buildArgs?.BASE_IMAGE, undefined)
  })

  it('warns on a deprecated runtime', async () => {
    const result = await buildProject(images, {projectDir: dir, config: {...config({runtime: 'nodejs16.x'}), baseImage: 'base:amd64'}, env: env()})
    assert.match(result.warnings.join('\n'), /nodejs16.x is deprecated/)
  })

  it('leaves the tag alone when the image fails a check, and removes the refused image but not its cached layers', async () => {
    images.paths = []
    await rm(join(dir, 'index.js'))
    await assert.rejects(buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /is not in the image/)
    assert.deepEqual(images.tagged, [])
    assert.deepEqual(images.removed, [{ref: 'sha256:img', keepParents: true}])
  })

  it('keeps an image the engine already names (an identical earlier build) when a check fails', async () => {
    images.paths = []
    await rm(join(dir, 'index.js'))
    images.nextBuild = image({repoTags: ['my_fn:x86_64']})
    await assert.rejects(buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env()}), /is not in the image/)
    assert.deepEqual(images.removed, [])
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
    const result = await buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env(), onEvent: (e) => events.push(e)})
    const sent = [...(lastBuild()?.files.keys() ?? [])]
    for (const secret of ['.env', 'sub/.env', '.npmrc', '.aws/credentials', '.ssh/id_rsa', 'server.key', '.git/HEAD', 'certs/private.pem']) {
      assert.ok(!sent.includes(secret), `${secret} is not sent`)
    }
    for (const kept of ['.env.example', 'certs/bundle.pem', 'index.js']) assert.ok(sent.includes(kept), `${kept} is sent`)
    assert.deepEqual([...result.keptOut].sort(), ['.aws/', '.env', '.git/', '.npmrc', '.ssh/', 'certs/private.pem', 'server.key', 'sub/.env'])
    assert.equal(lastBuild()?.files.get(`${INJECTED_INSTALL_CONFIG}/.npmrc`), '//registry/:_authToken=secret')
    const dockerfile = lastBuild()?.files.get(INJECTED_DOCKERFILE) ?? ''
    assert.match(dockerfile, new RegExp(`COPY ${INJECTED_INSTALL_CONFIG} \\./`))
    assert.match(dockerfile, new RegExp(`RUN rm -rf ${INJECTED_INSTALL_CONFIG}`))
    assert.deepEqual(events.find((e) => e.type === 'secrets'), {type: 'secrets', keptOut: result.keptOut, reincluded: [], installConfig: ['.npmrc']})
  })

  it('sends a secret the project\'s .dockerignore names with "!", and says so', async () => {
    await writeFile(join(dir, 'server.key'), 'key')
    await writeFile(join(dir, '.dockerignore'), 'node_modules\n!server.key\n')
    const events: BuildProgressEvent[] = []
    const result = await buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env(), onEvent: (e) => events.push(e)})
    assert.ok(lastBuild()?.files.has('server.key'))
    assert.deepEqual(result.keptOut, [])
    assert.deepEqual(events.find((e) => e.type === 'secrets'), {type: 'secrets', keptOut: [], reincluded: ['server.key'], installConfig: []})
  })

  it('refuses a base image labelled for another runtime before building', async () => {
    images.add(image({id: 'sha256:base', labels: {'limg.base.runtime': 'nodejs20.x'}}), 'base:amd64')
    await assert.rejects(buildProject(images, {projectDir: dir, config: {...config({runtime: 'nodejs24.x'}), baseImage: 'base:amd64'}, env: env()}), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.message, /base:amd64 is for nodejs20\.x .*limg\.json's runtime is nodejs24\.x/)
      assert.match(error.suggestion ?? '', /limg base build --runtime nodejs24\.x --arch x86_64/)
      return true
    })
    assert.equal(lastBuild(), undefined)
  })

  it('refuses a callback handler on nodejs24.x before building, and builds it on nodejs22.x', async () => {
    await writeFile(join(dir, 'index.js'), 'exports.handler = function (event, context, callback) { callback(null, 1) }\n')
    images.add(image({id: 'sha256:base'}), 'base:amd64')
    await assert.rejects(buildProject(images, {projectDir: dir, config: {...config({runtime: 'nodejs24.x'}), baseImage: 'base:amd64'}, env: env()}), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.message, /callback .*nodejs24\.x/)
      assert.match(error.suggestion ?? '', /async function of \(event, context\)/)
      return true
    })
    assert.equal(lastBuild(), undefined)
    await buildProject(images, {projectDir: dir, config: {...config({runtime: 'nodejs22.x'}), baseImage: 'base:amd64'}, env: env()})
    assert.ok(lastBuild())
  })

  it('records the build so limg run can rebuild the same way', async () => {
    await buildProject(images, {projectDir: dir, config: {...config(), baseImage: 'base:amd64'}, env: env(), settings: {baseImage: 'base:amd64'}, now: () => 42})
    assert.deepEqual(await readLastBuild(dir, env()), {image: 'my_fn:x86_64', imageId: 'sha256:img', startedAt: 42, settings: {baseImage: 'base:amd64'}})
  })
})
