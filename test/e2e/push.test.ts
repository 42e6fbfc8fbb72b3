import assert from 'node:assert/strict'
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {execa} from 'execa'
import {connectionFromEnv} from '../../src/docker/connection.js'
import {type DockerClient, connectDocker} from '../../src/docker/client.js'
import {MEDIA_TYPES, RegistryHttp} from '../../src/registry/registry-http.js'
import {EcrStandIn} from '../support/ecr-stand-in/index.js'
import {type TestRegistry, startRegistry} from '../support/registry.js'
import {ACCESS_KEY_ID, REGION, RUN_ID, SECRET_ACCESS_KEY, awsEnv, buildTinyImage, removeRunImages} from '../integration/push/fixtures.js'

const BIN = resolve('bin/run.js')

describe('limg push (e2e, through bin/run.js against the ECR stand-in)', function () {
  this.timeout(300_000)
  let engine: DockerClient
  let registry: TestRegistry
  let ecr: EcrStandIn
  let root: string
  let home: string
  let project: string
  const name = `E2e-Push-${RUN_ID}`
  const repository = `limg-e2e/${RUN_ID}`

  before(async () => {
    engine = await connectDocker(connectionFromEnv())
    registry = await startRegistry()
    ecr = await new EcrStandIn({identity: {accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region: REGION}, registry}).start()
    root = await mkdtemp(join(tmpdir(), 'limg-e2e-push-'))
    home = join(root, 'home')
    project = join(root, 'project')
    await execa('mkdir', ['-p', home, project])
    await writeFile(join(project, 'limg.json'), JSON.stringify({name, runtime: 'nodejs20.x', arch: 'arm64', ecr: {repository, maxImages: 3}}))
    // The tag `limg build` gives the project's arm64 image.
    await buildTinyImage(engine, name.toLowerCase(), 'arm64')
  })

  after(async () => {
    if (engine) await removeRunImages(engine)
    await ecr?.stop()
    await registry?.[Symbol.asyncDispose]()
    if (root) await rm(root, {recursive: true, force: true})
  })

  function limg(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    // Only what the test gives: no AWS variable or ~/.aws of the machine running it leaks in.
    return execa('node', [BIN, ...args], {cwd: project, reject: false, env: {PATH: process.env.PATH, CI: '1', ...awsEnv(ecr, home), ...extraEnv}, extendEnv: false})
  }

  it('pushes the arm64 image, prints one JSON result, and the manifest read back says arm64', async () => {
    const run = await limg(['push', '--json'])
    assert.equal(run.exitCode, 0, run.stderr)
    const result = JSON.parse(run.stdout) as Record<string, unknown>
    assert.equal(result.architecture, 'arm64')
    assert.equal(result.mediaType, MEDIA_TYPES.dockerManifest)
    assert.equal(result.repository, repository)
    assert.equal(result.registry, registry.host)
    assert.match(String(result.tag), /^arm64-[0-9a-f]{12}$/)
    assert.match(String(result.digest), /^sha256:[0-9a-f]{64}$/)
    assert.equal(result.digestUri, `${registry.host}/${repository}@${String(result.digest)}`)
    assert.equal(result.imageUri, `${registry.host}/${repository}:${String(result.tag)}`)
    assert.deepEqual(result.layers, {pushed: 2, existing: 0})
    assert.deepEqual(result.warnings, [])

    const http = new RegistryHttp({username: 'AWS', password: registry.password, proxyEndpoint: registry.endpoint})
    const manifest = await http.manifest(repository, String(result.digest))
    const config = await http.blobJson(repository, (manifest.json.config as {digest: string}).digest)
    assert.equal(config.architecture, 'arm64')
    assert.equal(JSON.parse(ecr.repositories.get(repository)?.lifecyclePolicyText ?? '{}').rules[0].selection.countNumber, 3)
    assert.deepEqual(await readdir(home), [], 'nothing may be written under HOME (no ~/.docker/config.json)')
  })

  it('the second push is a no-op; without --json it prints the digest reference on stdout', async () => {
    const run = await limg(['push'])
    assert.equal(run.exitCode, 0, run.stderr)
    assert.match(run.stdout.trim(), new RegExp(`^${registry.host.replace(/\./g, '\\.')}/${repository}@sha256:[0-9a-f]{64}$`))
    assert.match(run.stderr, /Already in ECR/)
  })

  it('a missing repository with --no-create-repository exits 5 with a JSON error', async () => {
    const run = await limg(['push', '--json', '--repository', `${repository}-absent`, '--no-create-repository'])
    assert.equal(run.exitCode, 5)
    const body = JSON.parse(run.stdout) as {error: {code: string; message: string; suggestion: string}}
    assert.equal(body.error.code, 'REGISTRY_ERROR')
    assert.match(body.error.message, /does not exist/)
    assert.match(body.error.suggestion, /create-repository/)
  })

  it('--profile reads region, credentials and endpoint_url from the shared config files', async () => {
    const profileHome = join(root, 'profile-home')
    await mkdir(join(profileHome, '.aws'), {recursive: true})
    await writeFile(join(profileHome, '.aws', 'config'), `[profile limg-e2e]\nregion = ${REGION}\nendpoint_url = ${ecr.endpoint}\n`)
    await writeFile(join(profileHome, '.aws', 'credentials'), `[limg-e2e]\naws_access_key_id = ${ACCESS_KEY_ID}\naws_secret_access_key = ${SECRET_ACCESS_KEY}\n`)
    const run = await execa('node', [BIN, 'push', '--json', '--profile', 'limg-e2e', '--tag', `profile-${RUN_ID}`], {
      cwd: project,
      reject: false,
      extendEnv: false,
      env: {PATH: process.env.PATH, HOME: profileHome, AWS_EC2_METADATA_DISABLED: 'true'},
    })
    assert.equal(run.exitCode, 0, run.stdout + run.stderr)
    const result = JSON.parse(run.stdout) as Record<string, unknown>
    assert.equal(result.region, REGION)
    assert.equal(result.tag, `profile-${RUN_ID}`)
    assert.deepEqual(result.layers, {pushed: 0, existing: 2})
    assert.deepEqual((await readdir(profileHome)).sort(), ['.aws'])
  })

  it('a malformed region exits 2 on one line naming the valid form, wherever it came from', async () => {
    const callsBefore = ecr.calls.length
    for (const [args, env, source] of [
      [['--region', 'eu_west_1'], {}, '--region'],
      [['--region', 'x y'], {}, '--region'],
      [[], {AWS_REGION: 'EU-WEST-1'}, 'AWS_REGION'],
    ] as const) {
      const run = await limg(['push', ...args], env)
      assert.equal(run.exitCode, 2, run.stderr)
      const lines = run.stderr.trim().split('\n')
      assert.equal(lines.length, 1, run.stderr)
      assert.match(lines[0], new RegExp(`^Error: The AWS region ".+" \\(from ${source}\\) is malformed\\. A region is lower-case words and a number joined by dashes, such as eu-west-1`))
      assert.doesNotMatch(run.stderr, /No AWS region is set/)
    }
    // Refused before anything was asked of ECR.
    assert.equal(ecr.calls.length, callsBefore)
  })

  it('no credentials at all exits 5 saying how to configure them', async () => {
    const run = await execa('node', [BIN, 'push', '--json'], {
      cwd: project,
      reject: false,
      extendEnv: false,
      env: {PATH: process.env.PATH, HOME: home, AWS_REGION: REGION, AWS_EC2_METADATA_DISABLED: 'true', AWS_ENDPOINT_URL_ECR: ecr.endpoint},
    })
    assert.equal(run.exitCode, 5)
    const body = JSON.parse(run.stdout) as {error: {message: string; suggestion: string}}
    assert.equal(body.error.message, 'No AWS credentials found.')
    assert.match(body.error.suggestion, /aws sso login/)
  })
  it('at a repository\'s root pushes each function\'s image to its own repository, and reports the one without an image beside them', async () => {
    const repo = join(root, 'repo')
    const names = ['alpha', 'beta', 'gamma'].map((fn) => `E2e-Many-${fn}-${RUN_ID}`)
    await mkdir(join(repo, 'functions'), {recursive: true})
    await writeFile(join(repo, 'limg.json'), JSON.stringify({functions: ['functions/*']}))
    for (const [i, fnName] of names.entries()) {
      await mkdir(join(repo, 'functions', String(i)))
      await writeFile(join(repo, 'functions', String(i), 'limg.json'), JSON.stringify({name: fnName, runtime: 'nodejs20.x', arch: 'arm64', ecr: {repository: `limg-e2e/${RUN_ID}-${i}`}}))
    }
    // The third function was never built.
    for (const fnName of names.slice(0, 2)) await buildTinyImage(engine, fnName.toLowerCase(), 'arm64', fnName)
    const run = await execa('node', [BIN, 'push', '--json'], {cwd: repo, reject: false, env: {PATH: process.env.PATH, CI: '1', ...awsEnv(ecr, home)}, extendEnv: false})
    assert.equal(run.exitCode, 8, run.stderr)
    const result = JSON.parse(run.stdout) as {functions: Array<{name: string; ok: boolean; result?: {repository: string; architecture: string}; error?: {exitCode: number; message: string}}>}
    assert.deepEqual(result.functions.map((fn) => [fn.name, fn.ok]), [[names[0], true], [names[1], true], [names[2], false]])
    assert.deepEqual(result.functions.slice(0, 2).map((fn) => fn.result?.repository), [`limg-e2e/${RUN_ID}-0`, `limg-e2e/${RUN_ID}-1`])
    assert.ok(ecr.repositories.has(`limg-e2e/${RUN_ID}-0`) && ecr.repositories.has(`limg-e2e/${RUN_ID}-1`))
    assert.match(String(result.functions[2]!.error?.message), new RegExp(names[2]!.toLowerCase()))
    assert.ok(!ecr.repositories.has(`limg-e2e/${RUN_ID}-2`), 'nothing is created for a function with no image')
  })
})
