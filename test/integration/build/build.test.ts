import {strict as assert} from 'node:assert'
import {randomBytes} from 'node:crypto'
import {readFile, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer, connect, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {type BuildResult, buildProject} from '../../../src/build/build.js'
import {loadProjectConfig} from '../../../src/config/load.js'
import {resolveConfig} from '../../../src/config/resolve.js'
import {type DockerClient, openDocker} from '../../../src/docker/client.js'
import type {BuildEvent} from '../../../src/docker/build-stream.js'
import {BuildFailedError} from '../../../src/errors/index.js'
import {ensureBaseImage} from '../../support/base-images.js'

const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'bin', 'run.js')
const RUN_ID = `${process.pid}-${randomBytes(3).toString('hex')}`
const LABELS = {'limg.test': RUN_ID}
const RUNTIME = 'nodejs24.x'
// The TLS-intercepting proxy's authority, which an npm install inside the build needs.
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt'
const ARCHES = ['x86_64', 'arm64'] as const
type Arch = (typeof ARCHES)[number]

let engine: DockerClient
let work: string
const bases = new Map<Arch, string>()

async function scaffold(name: string, template: 'commonjs' | 'esm' | 'typescript', arch: Arch): Promise<string> {
  const dir = join(work, name)
  const init = await execa(process.execPath, [CLI, 'init', dir, '--yes', '--json', '--name', name, '--runtime', RUNTIME, '--arch', arch, '--template', template], {reject: false, stdin: 'ignore'})
  assert.equal(init.exitCode, 0, `limg init failed: ${init.stdout}\n${init.stderr}`)
  return dir
}

async function build(dir: string, over: {arch?: Arch; baseImage?: string; env?: NodeJS.ProcessEnv; engine?: DockerClient; steps?: BuildEvent[]} = {}): Promise<BuildResult> {
  const project = await loadProjectConfig(dir)
  const arch = over.arch ?? project.arch
  const config = resolveConfig(project, {arch, baseImage: over.baseImage ?? bases.get(arch)}, {})
  return buildProject((over.engine ?? engine).images, {
    projectDir: dir,
    config,
    tag: `limg-it-${RUN_ID}-${project.name.toLowerCase()}:${arch}`,
    extraLabels: LABELS,
    env: over.env ?? {NODE_EXTRA_CA_CERTS: HOST_CA},
    onEvent: (event) => {
      if (event.type === 'engine' && event.event.type === 'step-done') over.steps?.push(event.event)
    },
  })
}

/** Runs a command inside the image without its entrypoint. */
async function inImage(image: string, args: string[]): Promise<string> {
  // stdout only: docker adds a platform warning on stderr for arm64 images on an amd64 host.
  const run = await execa('docker', ['run', '--rm', '--label', `limg.test=${RUN_ID}`, '--entrypoint', args[0], image, ...args.slice(1)], {reject: false})
  assert.equal(run.exitCode, 0, `${args.join(' ')} in ${image} failed: ${run.stderr}`)
  return run.stdout
}

describe('limg build against the engine', function () {
  // arm64 steps run under qemu.
  this.timeout(15 * 60_000)

  before(async () => {
    engine = await openDocker()
    work = await mkdtemp(join(tmpdir(), 'limg-build-it-'))
    for (const arch of ARCHES) bases.set(arch, await ensureBaseImage(RUNTIME, arch))
  })

  after(async () => {
    const images = await execa('docker', ['images', '-q', '--filter', `label=limg.test=${RUN_ID}`])
    const ids = [...new Set(images.stdout.split('\n').filter(Boolean))]
    if (ids.length > 0) await execa('docker', ['rmi', '-f', ...ids], {reject: false})
    await rm(work, {recursive: true, force: true})
  })

  for (const arch of ARCHES) {
    describe(`for ${arch}`, () => {
      it('builds a CommonJS function with a pure-JavaScript npm dependency installed through the CA; .dockerignore keeps node_modules, .env and tests out; the CA is not left behind', async () => {
        const dir = await scaffold(`cjs-dep-${arch}`, 'commonjs', arch)
        const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {dependencies?: Record<string, string>}
        pkg.dependencies = {ms: '2.1.3'}
        await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2))
        await execa('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {cwd: dir})
        await writeFile(join(dir, 'index.js'), "const ms = require('ms')\nexports.handler = async () => ({twoDays: ms('2 days'), arch: process.arch})\n")
        await writeFile(join(dir, '.env'), 'SECRET=do-not-ship\n')
        await mkdir(join(dir, 'node_modules/stale'), {recursive: true})
        await writeFile(join(dir, 'node_modules/stale/index.js'), 'module.exports = "from the host"\n')
        await mkdir(join(dir, 'test'), {recursive: true})
        await writeFile(join(dir, 'test/handler.test.js'), '// a test\n')

        const result = await build(dir)
        assert.equal(result.architecture, arch)
        assert.equal(result.dockerfile, 'template')
        const inspect = await engine.images.inspect(result.image)
        assert.equal(inspect?.architecture, arch === 'x86_64' ? 'amd64' : 'arm64')
        assert.equal(inspect?.labels['limg.arch'], arch)
        assert.equal(inspect?.labels['limg.runtime'], RUNTIME)

        const listing = await inImage(result.image, ['/bin/sh', '-c', 'cd /var/task && find . -maxdepth 2 | sort; ls /tmp'])
        assert.match(listing, /\.\/node_modules\/ms/)
        assert.match(listing, /\.\/index\.js/)
        for (const absent of ['.env', 'node_modules/stale', './test', 'limg-extra-ca', '.limg-build', '.dockerignore', 'Dockerfile']) {
          assert.ok(!listing.includes(absent), `${absent} must not be in the image:\n${listing}`)
        }
        const out = await inImage(result.image, ['/var/lang/bin/node', '-e', "require('/var/task/index.js').handler().then((r) => console.log(JSON.stringify(r)))"])
        assert.deepEqual(JSON.parse(out.trim().split('\n').pop() ?? ''), {twoDays: 172_800_000, arch: arch === 'x86_64' ? 'x64' : 'arm64'})
      })

      it('builds an ES module function', async () => {
        const dir = await scaffold(`esm-${arch}`, 'esm', arch)
        const result = await build(dir)
        const inspect = await engine.images.inspect(result.image)
        assert.equal(inspect?.architecture, arch === 'x86_64' ? 'amd64' : 'arm64')
        assert.deepEqual(inspect?.cmd, ['index.handler'])
        assert.match(await inImage(result.image, ['/bin/ls', '/var/task']), /index\.mjs/)
      })

      it('builds a TypeScript function: compiled in the image, only dist/ and production modules kept', async () => {
        const dir = await scaffold(`ts-${arch}`, 'typescript', arch)
        const result = await build(dir)
        const listing = await inImage(result.image, ['/bin/ls', '-a', '/var/task'])
        assert.match(listing, /index\.js/)
        assert.ok(!listing.includes('tsconfig.json'), listing)
        assert.ok(!/\bsrc\b/.test(listing), listing)
      })
    })
  }

  it('keeps the x86_64 and arm64 images of one project apart and rebuilds only the code layer after a code change', async () => {
    const dir = await scaffold('two-arch', 'commonjs', 'x86_64')
    const x64 = await build(dir, {arch: 'x86_64'})
    const arm = await build(dir, {arch: 'arm64'})
    assert.notEqual(x64.image, arm.image)
    assert.equal((await engine.images.inspect(x64.image))?.architecture, 'amd64')
    assert.equal((await engine.images.inspect(arm.image))?.architecture, 'arm64')

    const again = await build(dir, {arch: 'x86_64'})
    assert.equal(again.imageId, x64.imageId, 'nothing changed: the same image')
    // Unique per run, so no earlier run's cache can hold this layer.
    await writeFile(join(dir, 'index.js'), `exports.handler = async () => 'changed in ${RUN_ID}'\n`)
    const steps: BuildEvent[] = []
    const changed = await build(dir, {arch: 'x86_64', steps})
    assert.notEqual(changed.imageId, x64.imageId)
    const cached = (pattern: RegExp): boolean | undefined => {
      for (const step of steps) if (step.type === 'step-done' && pattern.test(step.instruction)) return step.cached
      return undefined
    }
    assert.equal(cached(/^RUN .*npm ci/), true, 'the dependency install comes from the cache')
    assert.equal(cached(/^COPY --from=deps/), true, 'so does the dependency layer of the final image')
    assert.equal(cached(/^COPY \. /), false, 'the code is copied again')
  })

  it('fails on a failing RUN step, naming the step and its output', async () => {
    const dir = await scaffold('failing-run', 'commonjs', 'x86_64')
    await writeFile(join(dir, 'Dockerfile'), `FROM ${bases.get('x86_64')}\nRUN echo "about to fail: marker-7731" && exit 3\nCMD ["index.handler"]\n`)
    await assert.rejects(build(dir), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError, String(error))
      // The step as the Dockerfile writes it, without what limg added for the CA.
      assert.match(error.message, /Step \d+\/\d+ \(RUN echo "about to fail: marker-7731" && exit 3\) failed/)
      assert.match(error.message, /non-zero code: 3/)
      assert.ok(error.details.some((line) => line.includes('about to fail: marker-7731')), error.details.join('\n'))
      return true
    })
  })

  it('refuses a base image of the wrong architecture', async () => {
    const dir = await scaffold('wrong-arch', 'commonjs', 'arm64')
    await assert.rejects(build(dir, {arch: 'arm64', baseImage: bases.get('x86_64')}), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError)
      assert.match(error.message, new RegExp(`base image ${bases.get('x86_64')?.replace(/[.]/g, '\\.')} is amd64, but the build is for arm64`))
      return true
    })
  })

  it('refuses a project Dockerfile whose base has the wrong architecture, naming the base and its architecture', async () => {
    const dir = await scaffold('wrong-arch-own', 'commonjs', 'arm64')
    await writeFile(join(dir, 'Dockerfile'), `FROM ${bases.get('x86_64')}\nCOPY index.js ./\nCMD ["index.handler"]\n`)
    await assert.rejects(build(dir, {arch: 'arm64'}), /built for amd64, not arm64 \(arm64\): its base image .* is amd64/)
  })

  it('builds two projects at the same time', async () => {
    const [a, b] = await Promise.all([scaffold('together-a', 'commonjs', 'x86_64'), scaffold('together-b', 'esm', 'x86_64')])
    await writeFile(join(a, 'index.js'), "exports.handler = async () => 'a'\n")
    await writeFile(join(b, 'index.mjs'), "export const handler = async () => 'b'\n")
    const [ra, rb] = await Promise.all([build(a), build(b)])
    assert.notEqual(ra.imageId, rb.imageId)
    assert.match(await inImage(ra.image, ['/bin/cat', '/var/task/index.js']), /'a'/)
    assert.match(await inImage(rb.image, ['/bin/cat', '/var/task/index.mjs']), /'b'/)
  })

  it('builds through a remote engine (DOCKER_HOST=tcp://), nothing bind-mounted', async () => {
    // The engine listens on its unix socket only; a TCP relay stands in for a remote host.
    const relay: Server = createServer((client) => {
      const upstream = connect('/var/run/docker.sock')
      client.pipe(upstream).pipe(client)
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
    })
    await new Promise<void>((done) => relay.listen(0, '127.0.0.1', done))
    const port = (relay.address() as {port: number}).port
    try {
      const remote = await openDocker({DOCKER_HOST: `tcp://127.0.0.1:${port}`})
      assert.equal(remote.target, `tcp://127.0.0.1:${port}`)
      const dir = await scaffold('remote', 'esm', 'x86_64')
      const result = await build(dir, {engine: remote})
      assert.equal((await remote.images.inspect(result.image))?.architecture, 'amd64')
    } finally {
      relay.close()
    }
  })
})
