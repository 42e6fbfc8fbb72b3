import {strict as assert} from 'node:assert'
import {randomBytes} from 'node:crypto'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {execa} from 'execa'
import {ensureBaseImage} from '../../support/base-images.js'
import {type CliRun, limg} from '../../support/cli.js'
import {layerFiles} from '../../support/image-layers.js'
import {type PrivateRegistry, startPrivateRegistry} from '../../support/npm-registry.js'

const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt'
const ENV = {NODE_EXTRA_CA_CERTS: HOST_CA, LIMG_LABELS: `limg.test=${RUN_ID}`}
const TOKEN = `npm_${randomBytes(12).toString('hex')}`
const SECRET_PACKAGE = {name: '@limg-test/secret-dep', version: '1.0.0', files: {'index.js': 'exports.value = "from the private registry"\n'}}

function ok(run: CliRun, what: string): void {
  assert.equal(run.exitCode, 0, `${what} exited ${run.exitCode}:\n${run.stdout}\n${run.stderr}`)
}

/** This host's address on the engine's default bridge: where build containers reach it. */
async function bridgeGateway(): Promise<string> {
  const {stdout} = await execa('docker', ['network', 'inspect', 'bridge', '--format', '{{index .Options "com.docker.network.bridge.name"}}'])
  // os.networkInterfaces() leaves out a bridge with no container attached; ip(8) does not.
  const ip = await execa('ip', ['-4', '-o', 'addr', 'show', 'dev', stdout.trim()])
  const address = /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(ip.stdout)?.[1]
  if (!address) throw new Error(`The engine's bridge ${stdout.trim()} has no IPv4 address on this host: ${ip.stdout}`)
  return address
}

describe('secrets stay out of the image', function () {
  this.timeout(10 * 60_000)
  let work: string
  let registry: PrivateRegistry
  let base: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'limg-secrets-'))
    registry = await startPrivateRegistry(await bridgeGateway(), [SECRET_PACKAGE], TOKEN)
    base = await ensureBaseImage('nodejs24.x', 'x86_64')
  })

  after(async () => {
    await registry?.close()
    const list = await execa('docker', ['images', '-q', '--filter', `label=limg.test=${RUN_ID}`], {reject: false})
    const ids = [...new Set(list.stdout.split('\n').filter(Boolean))]
    if (ids.length > 0) await execa('docker', ['rmi', '-f', ...ids], {reject: false})
    await rm(work, {recursive: true, force: true})
  })

  it('a project with no .dockerignore: .env, sub/.env, .npmrc, .aws, .ssh, server.key and .git reach no layer; the private install through .npmrc works', async () => {
    const dir = join(work, 'leaky')
    const name = `leaky-${RUN_ID}`
    const registryHost = registry.url.replace(/^http:/, '')
    const files: Record<string, string> = {
      'limg.json': JSON.stringify({name, runtime: 'nodejs24.x', arch: 'x86_64', template: 'commonjs', handler: 'index.handler'}),
      'index.js': "exports.handler = async () => ({value: require('@limg-test/secret-dep').value})\n",
      'package.json': JSON.stringify({name: 'leaky', version: '1.0.0', dependencies: {[SECRET_PACKAGE.name]: SECRET_PACKAGE.version}}),
      '.npmrc': `@limg-test:registry=${registry.url}\n${registryHost}:_authToken=${TOKEN}\n`,
      '.env': `DB_PASSWORD=${TOKEN}-env\n`,
      'sub/.env': `NESTED=${TOKEN}-nested\n`,
      '.aws/credentials': `[default]\naws_secret_access_key = ${TOKEN}-aws\n`,
      '.ssh/id_rsa': `-----BEGIN OPENSSH PRIVATE KEY-----\n${TOKEN}-ssh\n`,
      'server.key': `-----BEGIN PRIVATE KEY-----\n${TOKEN}-key\n`,
      '.git/config': `[remote "origin"]\n  url = https://user:${TOKEN}-git@example.com/repo.git\n`,
      '.git/HEAD': 'ref: refs/heads/main\n',
    }
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), {recursive: true})
      await writeFile(join(dir, path), content)
    }
    // The lock file as npm writes it for the private registry, through the same .npmrc.
    // npm's own npm_config_* variables (set when the suite runs under npm) would override the project's .npmrc.
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')))
    await execa('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], {cwd: dir, env: clean, extendEnv: false})
    registry.requests.length = 0

    const build = await limg(['build', '--base-image', base], dir, {env: ENV})
    ok(build, 'limg build')
    assert.match(build.stderr, /Kept out of the image \(secrets\): .*\.env.*server\.key.*sub\/\.env.*\.aws\/.*\.git\/.*\.ssh\//)
    assert.match(build.stderr, /\.npmrc: read by the dependency install only, in no layer of the image/)
    assert.ok(registry.requests.some((r) => r.path.endsWith('.tgz') && r.authorized), `the install fetched the package with the token: ${JSON.stringify(registry.requests)}`)
    assert.ok(registry.requests.every((r) => r.authorized), 'every request carried the token')

    const image = `${name}:x86_64`
    const layers = await layerFiles(image, [TOKEN])
    const leaks = layers.filter((f) => f.holds.length > 0 || /(^|\/)(\.env|\.npmrc|\.aws|\.ssh|server\.key|\.git|\.limg-build[^/]*)(\/|$)/.test(f.path))
    assert.deepEqual(leaks, [], 'no layer of the image holds a secret, its name, or the token')
    assert.ok(layers.some((f) => f.path === 'var/task/node_modules/@limg-test/secret-dep/index.js'), 'the private package is installed')

    const run = await limg(['run', '--detach', '--json', '--no-build'], dir, {env: ENV})
    ok(run, 'limg run --detach')
    try {
      const invoke = await limg(['invoke', '--json', '--event', '-'], dir, {env: ENV, input: '{}'})
      ok(invoke, 'limg invoke')
      assert.deepEqual(invoke.json.payload, {value: 'from the private registry'})
    } finally {
      ok(await limg(['stop', '--json'], dir, {env: ENV}), 'limg stop')
    }
  })

  it('a failed check leaves the previous good image under the tag, so run serves that one', async () => {
    const dir = join(work, 'checked')
    const name = `checked-${RUN_ID}`
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'limg.json'), JSON.stringify({name, runtime: 'nodejs24.x', template: 'commonjs', handler: 'index.handler'}))
    await writeFile(join(dir, 'index.js'), 'exports.handler = async () => ({version: 1})\n')
    ok(await limg(['build', '--base-image', base], dir, {env: ENV}), 'the first build')
    const good = (await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', `${name}:x86_64`])).stdout

    // The handler file goes; the build itself succeeds, but the check after it must fail.
    await rm(join(dir, 'index.js'))
    await writeFile(join(dir, 'other.js'), 'exports.x = 1\n')
    const failed = await limg(['build', '--json', '--base-image', base], dir, {env: ENV})
    assert.equal(failed.exitCode, 4, failed.stdout)
    assert.match((failed.json.error as {message: string}).message, /handler "index\.handler" is not in the image/)
    assert.equal((await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', `${name}:x86_64`])).stdout, good, 'the tag still names the good image')
    const dangling = await execa('docker', ['images', '-q', '--filter', 'dangling=true', '--filter', `label=limg.project=${name}`])
    assert.equal(dangling.stdout.trim(), '', 'the refused image was removed')

    const run = await limg(['run', '--detach', '--json', '--no-build'], dir, {env: ENV})
    ok(run, 'limg run --no-build of the good image')
    try {
      const invoke = await limg(['invoke', '--json', '--event', '-'], dir, {env: ENV, input: '{}'})
      assert.deepEqual(invoke.json.payload, {version: 1})
    } finally {
      ok(await limg(['stop', '--json'], dir, {env: ENV}), 'limg stop')
    }
  })
})
