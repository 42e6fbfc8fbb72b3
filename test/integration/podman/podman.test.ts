import {strict as assert} from 'node:assert'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {cacheRoot} from '../../../src/util/cache-root.js'
import {limg} from '../../support/cli.js'
import {EcrStandIn} from '../../support/ecr-stand-in/index.js'
import {type PodmanService, podmanUnavailable, startPodman} from '../../support/podman.js'
import {type TestRegistry, startRegistry} from '../../support/registry.js'
import {ACCESS_KEY_ID, REGION, RUN_ID, SECRET_ACCESS_KEY, awsEnv} from '../push/fixtures.js'

/**
 * limg's whole local loop and push on Podman's Docker-compatible API, started here as a user
 * starts it (`podman system service`), with Debian's podman and runc.
 */
describe('limg on Podman (podman system service)', function () {
  this.timeout(900_000)
  let podman: PodmanService | undefined
  let registry: TestRegistry | undefined
  let ecr: EcrStandIn | undefined
  let root = ''
  let project = ''
  let env: NodeJS.ProcessEnv = {}

  before(async function () {
    const why = await podmanUnavailable()
    if (why) throw new Error(`The Podman tests need Debian's podman, and ${why}; ./scripts/test-env.sh installs it.`)
    podman = await startPodman()
    registry = await startRegistry()
    ecr = await new EcrStandIn({identity: {accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region: REGION}, registry}).start()
    root = await mkdtemp(join(tmpdir(), 'limg-podman-fn-'))
    env = {
      ...process.env,
      ...podman.env,
      ...awsEnv(ecr, root),
      // awsEnv moves HOME; limg's download cache stays where the other suites filled it.
      LIMG_CACHE_DIR: cacheRoot(),
      LIMG_LABELS: `limg.test=${RUN_ID}`,
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
    }
    for (const arch of ['x86_64', 'arm64']) {
      const base = await limg(['base', 'build', '--runtime', 'nodejs22.x', '--arch', arch, '--json'], root, {env})
      assert.equal(base.exitCode, 0, base.stderr)
    }
    const init = await limg(['init', 'fn', '--template', 'esm', '--runtime', 'nodejs22.x', '--yes', '--json'], root, {env})
    assert.equal(init.exitCode, 0, init.stderr)
    project = join(root, 'fn')
    // A dependency installed through the TLS-intercepting proxy: the CA must reach the install
    // although the project's .dockerignore (limg init's) keeps *.pem out.
    await writeFile(join(project, 'package.json'), JSON.stringify({name: 'fn', version: '1.0.0', private: true, type: 'module', dependencies: {ms: '2.1.3'}}, null, 2))
    await execa('npm', ['install', '--package-lock-only', '--ignore-scripts'], {cwd: project})
    await writeFile(join(project, 'index.mjs'), "import ms from 'ms'\n\nexport const handler = async (event) => ({statusCode: 200, body: JSON.stringify({on: 'podman', wait: ms(event.wait ?? '2h')})})\n")
  })

  after(async () => {
    if (project) await limg(['stop'], project, {env}).catch(() => undefined)
    await ecr?.stop()
    await registry?.[Symbol.asyncDispose]()
    await podman?.[Symbol.asyncDispose]()
    if (root) await rm(root, {recursive: true, force: true})
  })

  it('builds for both architectures, naming Podman and counting its steps', async () => {
    const x86 = await limg(['build', '--base-image', 'limg-offline/nodejs:22-x86_64', '--json'], project, {env})
    assert.equal(x86.exitCode, 0, x86.stdout)
    assert.equal(x86.json.image, 'fn:x86_64', 'named as Docker names it, without docker.io/library/')
    assert.ok(Number(x86.json.steps) >= 10, `Podman's STEP lines counted: ${String(x86.json.steps)}`)
    const human = await limg(['build', '--base-image', 'limg-offline/nodejs:22-x86_64'], project, {env})
    assert.equal(human.exitCode, 0, human.stderr)
    assert.match(human.stderr, /Using Podman \d+\.\d+\.\d+ at unix:\/\/.*podman\.sock/)
    assert.match(human.stderr, /Step \d+\/\d+ RUN npm ci/)
    const arm = await limg(['build', '--arch', 'arm64', '--base-image', 'limg-offline/nodejs:22-arm64', '--json'], project, {env})
    assert.equal(arm.exitCode, 0, arm.stdout)
    assert.equal(arm.json.architecture, 'arm64')
  })

  it('runs, invokes, shows the log and stops, as on Docker', async () => {
    const run = await limg(['run', '--detach', '--arch', 'x86_64', '--no-build', '--json'], project, {env})
    assert.equal(run.exitCode, 0, run.stdout)
    // Bounded: Podman answers a followed log only with its first line, which once made invoke wait forever.
    const invoke = await execa(join(process.cwd(), 'bin/run.js'), ['invoke', '--event', '-', '--json'], {cwd: project, env: {...env, CI: '1'}, input: '{"wait":"1m"}', reject: false, timeout: 120_000})
    assert.equal(invoke.timedOut, false, 'limg invoke returned')
    assert.equal(invoke.exitCode, 0, invoke.stderr)
    const result = JSON.parse(invoke.stdout) as {outcome: string; payload: {body: string}; requestId: string | null}
    assert.equal(result.outcome, 'success')
    assert.deepEqual(JSON.parse(result.payload.body), {on: 'podman', wait: 60_000})
    assert.match(String(result.requestId), /^[0-9a-f-]{36}$/)
    const logs = await limg(['logs'], project, {env})
    assert.equal(logs.exitCode, 0, logs.stderr)
    assert.match(logs.stdout + logs.stderr, new RegExp(`REPORT RequestId: ${result.requestId}`))
    const stop = await limg(['stop', '--json'], project, {env})
    assert.equal(stop.exitCode, 0, stop.stderr)
    const {stdout} = await execa('podman', ['ps', '-aq', '--filter', `label=limg.test=${RUN_ID}`], {env})
    assert.equal(stdout.trim(), '', 'no container of the test is left in Podman')
  })

  it('pushes to ECR (the stand-in\'s registry) and reads the manifest back', async () => {
    const push = await limg(['push', '--arch', 'x86_64', '--json'], project, {env})
    assert.equal(push.exitCode, 0, push.stdout)
    assert.equal(push.json.architecture, 'amd64')
    assert.match(String(push.json.digestUri), new RegExp(`^${registry!.host.replace(/\./g, '\\.')}/fn@sha256:[0-9a-f]{64}$`))
    const again = await limg(['push', '--arch', 'x86_64', '--json'], project, {env})
    assert.equal(again.exitCode, 0, again.stdout)
    assert.equal(again.json.alreadyPushed, true, 'the tag already holds this image')
    assert.equal(again.json.digest, push.json.digest)
  })
})
