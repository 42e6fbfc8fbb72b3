import assert from 'node:assert/strict'
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {homedir, tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {type CliRun, limg} from '../../support/cli.js'
import {ensureBaseImage} from '../../support/base-images.js'
import {type PrivateRegistry, startPrivateRegistry} from '../../support/npm-registry.js'
import {rawDocker} from '../../support/raw-docker.js'
import {RUN_ID, type PushWorld, awsEnv, startPushWorld} from '../push/fixtures.js'
import {pushToRegistry, writeDockerLogin} from './world.js'

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'projects', 'cjs-deps')
const RUNTIME = 'nodejs24.x'
const ARCHES = ['x86_64', 'arm64'] as const
// The TLS-intercepting proxy's authority, which an npm install inside an engine build needs.
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt'
const NO_ENGINE = 'unix:///nonexistent/limg-direct-no-engine.sock'
const EVENT = {name: 'direct', timeout: '1h'}

interface BuildJson {
  digest: string
  imageId: string
  image: string
  loaded: boolean
  npmVersion: string
  layers: {base: number; built: number; reused: number}
  push: {digest: string; tag: string; repository: string; bytesUploaded: number; layers: {pushed: number; existing: number}; alreadyPushed: boolean; architecture: string; mediaType: string}
}

describe('limg build --builder direct (real registry, ECR stand-in, no engine for the build)', function () {
  this.timeout(600_000)
  let world: PushWorld
  let work: string
  let npm: PrivateRegistry | undefined
  const bases = new Map<string, string>()
  const figures: Record<string, number> = {}
  const runDirs: string[] = []

  before(async () => {
    world = await startPushWorld()
    await writeDockerLogin(world.home, world.registry)
    work = await mkdtemp(join(tmpdir(), 'limg-direct-'))
    for (const arch of ARCHES) bases.set(arch, await pushToRegistry(world.engine, world.registry, await ensureBaseImage(RUNTIME, arch), `base-${RUN_ID}/nodejs:24-${arch}`))
  })

  after(async () => {
    if (Object.keys(figures).length > 0) console.log(`      direct builder: ${JSON.stringify(figures)}`)
    await npm?.close()
    if (world) {
      for (const dir of runDirs) await limg(['stop', '--json'], dir, {env: env()}).catch(() => undefined)
      const images = await rawDocker().listImages({all: true, filters: JSON.stringify({label: [`limg.test=${RUN_ID}`]})})
      for (const image of images) await world.engine.images.remove(image.Id, {force: true})
      await world.close()
    }
    if (work) await rm(work, {recursive: true, force: true})
  })

  /** What the CLI runs with: the stand-in's AWS settings, the test's HOME (its docker login), its own cache; npm's own npm_config_* left out. */
  function env(over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|AWS_|HOME$|DOCKER_HOST$|LIMG_)/i.test(k)))
    // npm's own download cache stays the user's: the test HOME is empty, and a cold npm cache only adds downloads.
    return {...inherited, ...awsEnv(world.ecr, world.home), npm_config_cache: join(homedir(), '.npm'), LIMG_CACHE_DIR: join(work, 'cache'), LIMG_LABELS: `limg.test=${RUN_ID}`, ...over}
  }

  async function project(name: string, arch: string, template = 'commonjs'): Promise<string> {
    const dir = join(work, name)
    await cp(FIXTURE, dir, {recursive: true})
    const init = await limg(['init', dir, '--yes', '--json', '--name', name, '--runtime', RUNTIME, '--arch', arch, '--template', template], work, {env: env()})
    assert.equal(init.exitCode, 0, init.stderr)
    return dir
  }

  async function directPush(dir: string, arch: string, over: NodeJS.ProcessEnv = {}): Promise<{run: CliRun; result: BuildJson}> {
    const run = await limg(['build', '--builder', 'direct', '--push', '--base-image', bases.get(arch)!, '--repository', `limg-test/${RUN_ID}-${arch}`, '--json'], dir, {env: env({DOCKER_HOST: NO_ENGINE, ...over})})
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`)
    return {run, result: run.json as unknown as BuildJson}
  }

  async function skopeo(args: string[]): Promise<Record<string, unknown>> {
    const run = await execa('skopeo', ['inspect', '--tls-verify=false', '--creds', `AWS:${world.registry.password}`, ...args], {reject: false})
    assert.equal(run.exitCode, 0, run.stderr)
    return JSON.parse(run.stdout) as Record<string, unknown>
  }

  for (const arch of ARCHES) {
    it(`${arch}: builds and pushes with the engine unreachable; skopeo reads back the architecture, the layers and the CMD`, async () => {
      const dir = await project(`direct-${arch}`, arch)
      // Secrets the deny list keeps out whatever .dockerignore says, as on the engine path (this one does not name them).
      await writeFile(join(dir, '.dockerignore'), 'node_modules\n')
      await writeFile(join(dir, '.env'), 'SECRET=direct\n')
      await writeFile(join(dir, 'server.key'), '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n')
      const started = Date.now()
      const {result} = await directPush(dir, arch)
      figures[`cold ${arch} ms`] = Date.now() - started
      assert.match(result.npmVersion, /^\d+\.\d+\.\d+$/)
      assert.equal(result.push.architecture, arch === 'arm64' ? 'arm64' : 'amd64')
      assert.equal(result.push.mediaType, 'application/vnd.oci.image.manifest.v1+json')
      assert.equal(result.push.digest, result.digest)
      const ref = `docker://${world.registry.host}/${result.push.repository}:${result.push.tag}`
      const raw = await skopeo(['--raw', ref])
      const config = await skopeo(['--config', ref]) as {architecture: string; os: string; config: {Cmd: string[]; Entrypoint: string[]; WorkingDir: string; Labels: Record<string, string>}}
      assert.equal(config.architecture, arch === 'arm64' ? 'arm64' : 'amd64')
      assert.equal(config.os, 'linux')
      assert.deepEqual(config.config.Cmd, ['handler.handler'])
      assert.deepEqual(config.config.Entrypoint, ['/lambda-entrypoint.sh'])
      assert.equal(config.config.WorkingDir, '/var/task')
      assert.equal(config.config.Labels['limg.arch'], arch)
      assert.equal(config.config.Labels['limg.runtime'], RUNTIME)
      assert.equal((raw.layers as unknown[]).length, result.layers.base + 2)
      // The dependency layer holds the target's node_modules, the code layer the handler.
      const oci = join(work, `${arch}.tar`)
      const written = await limg(['build', '--builder', 'direct', '--output', oci, '--base-image', bases.get(arch)!, '--json'], dir, {env: env({DOCKER_HOST: NO_ENGINE})})
      assert.equal(written.exitCode, 0, written.stderr)
      assert.equal((written.json as unknown as BuildJson).digest, result.digest, 'the archive holds the pushed image')
      const listing = (await execa('sh', ['-c', `tar -xOf "${oci}" blobs/sha256/${((raw.layers as Array<{digest: string}>).at(-2)!.digest).slice(7)} | tar -tzf -`])).stdout.split('\n')
      assert.ok(listing.includes('var/task/node_modules/ms/package.json'), listing.slice(0, 5).join(' '))
      assert.ok(!listing.some((f) => f.startsWith('var/task/handler.js')))
      const code = (await execa('sh', ['-c', `tar -xOf "${oci}" blobs/sha256/${((raw.layers as Array<{digest: string}>).at(-1)!.digest).slice(7)} | tar -tvzf -`])).stdout
      assert.match(code, /-rw-r--r-- root\/root .* var\/task\/handler\.js/)
      assert.doesNotMatch(code, /node_modules|\.dockerignore|\.env|server\.key/)
      assert.deepEqual((written.json as {keptOut: string[]}).keptOut.sort(), ['.env', 'server.key'])
    })
  }

  it('gives the same digest for the same input, also with a cold cache, and after a one-line change uploads only the code layer, the config and the manifest', async () => {
    const dir = join(work, 'direct-x86_64')
    const first = await directPush(dir, 'x86_64')
    assert.equal(first.result.push.alreadyPushed, true)
    assert.equal(first.result.push.bytesUploaded, 0)
    assert.equal(first.result.layers.reused, 1, 'the dependency layer comes from the cache while the lock file is unchanged')
    const cold = await directPush(dir, 'x86_64', {LIMG_CACHE_DIR: join(work, 'cold-cache')})
    assert.equal(cold.result.digest, first.result.digest)
    assert.equal(cold.result.layers.reused, 0)

    const handler = join(dir, 'handler.js')
    await writeFile(handler, `${await readFile(handler, 'utf8')}\n// one more line\n`)
    const started = Date.now()
    const changed = await directPush(dir, 'x86_64')
    figures['one-line change build+push ms'] = Date.now() - started
    assert.notEqual(changed.result.digest, first.result.digest)
    assert.deepEqual(changed.result.push.layers, {pushed: 1, existing: first.result.layers.base + 1})
    figures['bytes uploaded after a code change'] = changed.result.push.bytesUploaded
    assert.ok(changed.result.push.bytesUploaded < 16 * 1024, String(changed.result.push.bytesUploaded))
  })

  // By default the CommonJS project is compared with its engine-built image and the TypeScript one (compiled on
  // the host) answers what its handler returns; LIMG_TEST_ALL_FIXTURES compares both, and the ES module template.
  const ALL = Boolean(process.env.LIMG_TEST_ALL_FIXTURES)
  const RUN_CASES = [
    {fixture: 'cjs-deps', template: 'commonjs', event: EVENT, compare: true, expected: undefined},
    {fixture: 'ts-tsc', template: 'typescript', event: {name: 'direct'}, compare: ALL, expected: {greeting: 'Hello, direct'}},
    ...(ALL ? [{fixture: undefined, template: 'esm', event: {}, compare: true, expected: undefined}] : []),
  ]
  for (const {fixture, template, event, compare, expected} of RUN_CASES) {
    it(`${fixture ?? template}: loaded into the engine, \`limg run\` + \`limg invoke\` answer ${compare ? 'as the engine-built image does' : 'what the handler returns'}`, async () => {
      const answers: unknown[] = []
      for (const builder of compare ? (['direct', 'engine'] as const) : (['direct'] as const)) {
        const name = `run-${fixture ?? template}-${builder}`
        const dir = join(work, name)
        if (fixture) await cp(join(process.cwd(), 'test', 'fixtures', 'projects', fixture), dir, {recursive: true})
        const init = await limg(['init', dir, '--yes', '--json', '--name', name, '--runtime', RUNTIME, '--arch', 'x86_64', ...(fixture ? [] : ['--template', template])], work, {env: env()})
        assert.equal(init.exitCode, 0, init.stderr)
        await writeFile(join(dir, 'run-event.json'), JSON.stringify(event))
        const base = builder === 'direct' ? bases.get('x86_64')! : await ensureBaseImage(RUNTIME, 'x86_64')
        const built = await limg(['build', '--builder', builder, '--base-image', base, '--ca-cert', HOST_CA, '--json'], dir, {env: env()})
        assert.equal(built.exitCode, 0, built.stderr)
        if (builder === 'direct') {
          assert.equal((built.json as unknown as BuildJson).loaded, true)
          // Built again: the same image, which the engine holds already (only the tag is set).
          const again = await limg(['build', '--builder', 'direct', '--base-image', base, '--json'], dir, {env: env()})
          assert.equal(again.exitCode, 0, again.stderr)
          assert.equal((again.json as unknown as BuildJson).imageId, (built.json as unknown as BuildJson).imageId)
        }
        runDirs.push(dir)
        // After a change `limg run` rebuilds, with the builder the last build used (the direct one here).
        if (builder === 'direct' && fixture === 'cjs-deps') await writeFile(join(dir, 'handler.js'), `${await readFile(join(dir, 'handler.js'), 'utf8')}\n// changed\n`)
        const started = await limg(['run', '--detach', '--json', ...(builder === 'direct' && fixture === 'cjs-deps' ? [] : ['--no-build'])], dir, {env: env()})
        assert.equal(started.exitCode, 0, started.stderr)
        if (builder === 'direct' && fixture === 'cjs-deps') {
          const running = (await rawDocker().getImage(String(started.json.image)).inspect()) as {Id: string; Created: string}
          assert.notEqual(running.Id, (built.json as unknown as BuildJson).imageId, 'limg run rebuilt the image')
          assert.equal(running.Created, '1970-01-01T00:00:00Z', 'the direct builder made it (its images carry a fixed time)')
        }
        const invoked = await limg(['invoke', '--event', 'run-event.json', '--json'], dir, {env: env()})
        assert.equal(invoked.exitCode, 0, invoked.stderr)
        answers.push(invoked.json.payload)
        assert.equal((await limg(['stop', '--json'], dir, {env: env()})).exitCode, 0)
      }
      assert.ok(answers[0] !== undefined && answers[0] !== null)
      if (compare) assert.deepEqual(answers[0], answers[1])
      if (expected) assert.deepEqual(answers[0], expected)
    })
  }

  it('arm64 without a lock file: the optional platform package installed is the target\'s (esbuild)', async () => {
    const dir = join(work, 'esbuild-arm64')
    await limg(['init', dir, '--yes', '--json', '--name', 'esbuild-arm64', '--runtime', RUNTIME, '--arch', 'arm64'], work, {env: env()})
    await writeFile(join(dir, 'package.json'), JSON.stringify({name: 'esbuild-arm64', version: '1.0.0', dependencies: {esbuild: '0.24.2'}}))
    await rm(join(dir, 'package-lock.json'), {force: true})
    const oci = join(work, 'esbuild-arm64.tar')
    const run = await limg(['build', '--builder', 'direct', '--output', oci, '--base-image', bases.get('arm64')!, '--json'], dir, {env: env({DOCKER_HOST: NO_ENGINE})})
    assert.equal(run.exitCode, 0, run.stderr)
    const manifest = JSON.parse((await execa('tar', ['-xOf', oci, 'manifest.json'])).stdout) as Array<{Layers: string[]}>
    const deps = manifest[0].Layers.at(-2)!
    const listing = (await execa('sh', ['-c', `tar -xOf "${oci}" ${deps} | tar -tzf -`])).stdout
    assert.match(listing, /var\/task\/node_modules\/@esbuild\/linux-arm64\/bin\/esbuild/)
    assert.doesNotMatch(listing, /@esbuild\/linux-x64/)
    assert.ok((run.json.warnings as string[]).some((w) => /No lock file/.test(w)), JSON.stringify(run.json.warnings))
  })

  it('refuses --push and --output without the direct builder and a project Dockerfile with it (exit 2), and loading without an engine (exit 3), before any work', async () => {
    const dir = join(work, 'direct-x86_64')
    const pushed = await limg(['build', '--push', '--json'], dir, {env: env({DOCKER_HOST: NO_ENGINE})})
    assert.equal(pushed.exitCode, 2, pushed.stdout)
    assert.match(String((pushed.json.error as {suggestion?: string}).suggestion), /--builder direct/)
    const own = join(work, 'own-dockerfile')
    await cp(join(process.cwd(), 'test', 'fixtures', 'projects', 'own-dockerfile'), own, {recursive: true})
    await limg(['init', own, '--yes', '--json'], work, {env: env()})
    const refused = await limg(['build', '--builder', 'direct', '--output', join(work, 'x.tar')], own, {env: env({DOCKER_HOST: NO_ENGINE})})
    assert.equal(refused.exitCode, 2, refused.stderr)
    assert.match(refused.stderr, /own Dockerfile .*--builder engine/s)
    // Nothing asked but loading, and no engine: exit 3 before any install, saying what needs none.
    const unloaded = await limg(['build', '--builder', 'direct', '--base-image', bases.get('x86_64')!], dir, {env: env({DOCKER_HOST: NO_ENGINE})})
    assert.equal(unloaded.exitCode, 3, unloaded.stderr)
    assert.match(unloaded.stderr, /--push .*--output/s)
  })

  it('refuses a dependency that compiles a native addon, naming it and pointing at --builder engine', async () => {
    const token = `t-${RUN_ID}`
    npm = await startPrivateRegistry('127.0.0.1', [{
      name: '@limg-test/native-addon',
      version: '1.0.0',
      files: {'package.json': JSON.stringify({name: '@limg-test/native-addon', version: '1.0.0', main: 'index.js', scripts: {install: 'node-gyp rebuild'}, gypfile: true}), 'binding.gyp': '{"targets": [{"target_name": "addon", "sources": ["addon.cc"]}]}', 'index.js': "module.exports = require('./build/Release/addon.node')\n"},
    }], token)
    const dir = join(work, 'native')
    await limg(['init', dir, '--yes', '--json', '--name', 'native', '--runtime', RUNTIME], work, {env: env()})
    const host = npm.url.replace(/^http:/, '')
    await writeFile(join(dir, '.npmrc'), `@limg-test:registry=${npm.url}\n${host}:_authToken=${token}\n`)
    await writeFile(join(dir, 'package.json'), JSON.stringify({name: 'native', version: '1.0.0', dependencies: {'@limg-test/native-addon': '1.0.0'}}))
    await rm(join(dir, 'package-lock.json'), {force: true})
    const run = await limg(['build', '--builder', 'direct', '--push', '--base-image', bases.get('x86_64')!, '--repository', `limg-test/${RUN_ID}-native`], dir, {env: env({DOCKER_HOST: NO_ENGINE})})
    assert.equal(run.exitCode, 4, run.stderr)
    assert.match(run.stderr, /@limg-test\/native-addon@1\.0\.0 compiles native code at install time/)
    assert.match(run.stderr, /--builder engine/)
    assert.ok(npm.requests.some((r) => r.authorized), 'the install used the project\'s .npmrc')
    assert.equal(world.ecr.repositories.has(`limg-test/${RUN_ID}-native`), false, 'nothing was pushed')
  })
})
