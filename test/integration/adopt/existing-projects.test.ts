import {strict as assert} from 'node:assert'
import {createHash, randomBytes} from 'node:crypto'
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {ensureBaseImage} from '../../support/base-images.js'
import {type CliRun, limg} from '../../support/cli.js'
import {snapshot} from '../../support/files.js'

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/projects')
const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
// The TLS-intercepting proxy's authority, which every install inside a build needs here.
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt'
const ENV = {NODE_EXTRA_CA_CERTS: HOST_CA, LIMG_LABELS: `limg.test=${RUN_ID}`}
const ALL = process.env.LIMG_TEST_ALL_FIXTURES === '1'

interface Fixture {
  name: string
  /** What `limg init` should read from the project. */
  adopted: {handler: string; template: string; runtime?: string}
  initArgs?: string[]
  /** Runs under arm64 emulation in the default suite too; the others with LIMG_TEST_ALL_FIXTURES=1. */
  arm64ByDefault?: boolean
  check(payload: unknown, invoke: Record<string, unknown>): void
}

const apiBody = (payload: unknown): Record<string, unknown> => {
  const response = payload as {statusCode: number; body: string}
  assert.equal(response.statusCode, 200, JSON.stringify(payload))
  return JSON.parse(response.body) as Record<string, unknown>
}

/** RFC 4122 version 5, computed here without the package the fixture uses. */
function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name).digest()
  hash[6] = (hash[6] & 0x0f) | 0x50
  hash[8] = (hash[8] & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const FIXTURE_LIST: Fixture[] = [
  {
    name: 'esm-apigw-sdk',
    adopted: {handler: 'function/index.handler', template: 'esm', runtime: 'nodejs24.x'},
    arm64ByDefault: true,
    check: (payload) => assert.deepEqual(apiBody(payload), {path: '/accounts', method: 'GET', sdk: 'function', command: 'GetAccountSettingsCommand'}),
  },
  {
    // Its event.json sits at the root, where AWS's samples keep theirs.
    name: 'cjs-deps',
    adopted: {handler: 'handler.handler', template: 'commonjs'},
    check: (payload) => assert.deepEqual(payload, {timeout: 3_600_000, id: uuidV5('orders', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')}),
  },
  {
    name: 'ts-esbuild',
    adopted: {handler: 'index.handler', template: 'typescript'},
    check: (payload, invoke) => assert.deepEqual(payload, {bucket: 'amzn-s3-demo-bucket', keys: ['test/key'], requestId: invoke.requestId}),
  },
  {
    name: 'ts-tsc',
    adopted: {handler: 'app.lambdaHandler', template: 'typescript'},
    check: (payload) => assert.deepEqual(payload, {greeting: 'Hello, tsc'}),
  },
  {
    name: 'lone-mjs',
    adopted: {handler: 'index.handler', template: 'esm'},
    // No event file at all: invoke sends {}, as Lambda does for an invocation without a payload.
    check: (payload) => assert.deepEqual(apiBody(payload), {lone: true, got: {}}),
  },
  {
    name: 'yarn-classic',
    adopted: {handler: 'app.handler', template: 'commonjs'},
    check: (payload) => assert.deepEqual(payload, {manager: 'yarn', window: 10_000, devDependencyPresent: false}),
  },
  {
    name: 'pnpm-app',
    adopted: {handler: 'index.handler', template: 'esm'},
    check: (payload) => assert.deepEqual(payload, {manager: 'pnpm', window: 86_400_000, devDependencyPresent: false}),
  },
  {
    name: 'own-dockerfile',
    adopted: {handler: 'app.lambdaHandler', template: 'commonjs', runtime: 'nodejs24.x'},
    arm64ByDefault: true,
    check: (payload) => assert.deepEqual(apiBody(payload), {dockerfile: 'own', inOneHour: 7_200_000}),
  },
  {
    name: 'callback',
    adopted: {handler: 'index.handler', template: 'commonjs', runtime: 'nodejs22.x'},
    initArgs: ['--runtime', 'nodejs22.x'],
    check: (payload) => assert.deepEqual(payload, {style: 'callback', echo: 'hi'}),
  },
]


function ok(run: CliRun, what: string): void {
  assert.equal(run.exitCode, 0, `${what} exited ${run.exitCode}:\n${run.stdout}\n${run.stderr}`)
}

describe('existing projects, adopted unchanged, build offline and answer as on Lambda', function () {
  // npm, Yarn and pnpm installs run in the image; under arm64 emulation they are slow.
  this.timeout(20 * 60_000)
  let work: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'limg-adopt-'))
  })

  after(async () => {
    for (const kind of ['ps', 'images'] as const) {
      const list = await execa('docker', [kind, '-aq', '--filter', `label=limg.test=${RUN_ID}`], {reject: false})
      const ids = [...new Set(list.stdout.split('\n').filter(Boolean))]
      if (ids.length > 0) await execa('docker', kind === 'ps' ? ['rm', '-f', ...ids] : ['rmi', '-f', ...ids], {reject: false})
    }
    await rm(work, {recursive: true, force: true})
  })

  for (const arch of ['x86_64', 'arm64'] as const) {
    describe(`for ${arch}`, () => {
      for (const fixture of FIXTURE_LIST) {
        const title = `${fixture.name}: init adopts it as ${fixture.adopted.template} ${fixture.adopted.handler}, build, run --detach and invoke answer`
        if (arch === 'arm64' && !fixture.arm64ByDefault && !ALL) {
          it(`${title} (with LIMG_TEST_ALL_FIXTURES=1)`)
          continue
        }
        it(title, async () => {
          const dir = join(work, `${fixture.name}-${arch}`)
          await cp(join(FIXTURES, fixture.name), dir, {recursive: true})
          const before = await snapshot(dir)

          const name = `${fixture.name}-${RUN_ID}`
          const init = await limg(['init', dir, '--yes', '--json', '--name', name, '--arch', arch, ...(fixture.initArgs ?? [])], work, {env: ENV})
          ok(init, 'limg init')
          assert.equal(init.json.adopted, true)
          assert.equal(init.json.handler, fixture.adopted.handler)
          assert.equal(init.json.template, fixture.adopted.template)
          if (fixture.adopted.runtime) assert.equal(init.json.runtime, fixture.adopted.runtime)
          const after = await snapshot(dir)
          for (const [path, bytes] of Object.entries(before)) assert.equal(after[path], bytes, `init changed ${path}`)

          const base = await ensureBaseImage(String(init.json.runtime), arch)
          const build = await limg(['build', '--json', '--base-image', base], dir, {env: ENV})
          ok(build, 'limg build')
          assert.equal(build.json.architecture, arch)

          const run = await limg(['run', '--detach', '--json', '--no-build'], dir, {env: ENV})
          ok(run, 'limg run --detach')
          try {
            const invoke = await limg(['invoke', '--json'], dir, {env: ENV})
            ok(invoke, 'limg invoke')
            assert.equal(invoke.json.outcome, 'success')
            fixture.check(invoke.json.payload, invoke.json)
          } finally {
            ok(await limg(['stop', '--json'], dir, {env: ENV}), 'limg stop')
          }
        })
      }
    })
  }

  it('refuses a callback handler on nodejs24.x before any build, naming the fix', async () => {
    const dir = join(work, 'callback-24')
    await cp(join(FIXTURES, 'callback'), dir, {recursive: true})
    ok(await limg(['init', dir, '--yes', '--json', '--name', `callback24-${RUN_ID}`, '--runtime', 'nodejs24.x'], work, {env: ENV}), 'limg init')
    const base = await ensureBaseImage('nodejs24.x', 'x86_64')
    const started = await execa('docker', ['images', '-q', '--filter', `label=limg.test=${RUN_ID}`])
    const build = await limg(['build', '--json', '--base-image', base], dir, {env: ENV})
    assert.equal(build.exitCode, 2, build.stdout)
    const error = build.json.error as {message: string; suggestion: string}
    assert.match(error.message, /takes a callback as its third parameter, and nodejs24\.x no longer runs callback-based handlers/)
    assert.match(error.suggestion, /async function of \(event, context\)/)
    const images = await execa('docker', ['images', '-q', '--filter', `label=limg.test=${RUN_ID}`])
    assert.equal(images.stdout, started.stdout, 'no image was built')
  })

  it('limg run rebuilds with the base image, architecture and Dockerfile the last build used', async () => {
    const dir = join(work, 'carried')
    await cp(join(FIXTURES, 'own-dockerfile'), dir, {recursive: true})
    ok(await limg(['init', dir, '--yes', '--json', '--name', `carried-${RUN_ID}`], work, {env: ENV}), 'limg init')
    const base = await ensureBaseImage('nodejs24.x', 'x86_64')
    ok(await limg(['build', '--json', '--base-image', base], dir, {env: ENV}), 'limg build')
    // A change after the build makes run rebuild; without the carried --base-image it would try public ECR.
    await writeFile(join(dir, 'src', 'app.js'), (await readFile(join(dir, 'src', 'app.js'), 'utf8')).replace("'own'", "'own, changed'"))
    const run = await limg(['run', '--detach'], dir, {env: ENV})
    ok(run, 'limg run --detach')
    try {
      assert.match(run.stderr, new RegExp(`Building as the last limg build did: --base-image ${base.replace(/[.]/g, '\\.')}`))
      const invoke = await limg(['invoke', '--json'], dir, {env: ENV})
      ok(invoke, 'limg invoke')
      assert.equal(apiBody(invoke.json.payload).dockerfile, 'own, changed')
    } finally {
      ok(await limg(['stop', '--json'], dir, {env: ENV}), 'limg stop')
    }
  })
})

