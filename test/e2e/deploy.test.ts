import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {once} from 'node:events'
import {mkdir, readFile, readdir, rename, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {ensureBaseImage} from '../support/base-images.js'
import {REGION} from '../support/aws-stand-ins.js'
import {type DeployWorld, setHandlerVersion, startDeployWorld} from './deploy/world.js'

const RUN_ID = `deploy-${randomBytes(4).toString('hex')}`
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'

/** Timings the closing report gives: deploys, invokes and the code-only redeploy. */
const timings: Record<string, number> = {}

describe('limg deploy, invoke --remote, logs --remote (e2e, bin/run.js against the Lambda, IAM, Logs and ECR stand-ins)', function () {
  this.timeout(600_000)
  let world: DeployWorld

  before(async () => {
    world = await startDeployWorld(RUN_ID)
  })
  after(async () => {
    if (Object.keys(timings).length > 0) console.log(`      wall times (ms): ${JSON.stringify(timings)}`)
    await world?.close()
  })

  describe('x86_64', () => {
    let dir: string
    const name = `fn-x-${RUN_ID}`
    let base: string

    before(async () => {
      base = await ensureBaseImage('nodejs24.x', 'x86_64')
      dir = await world.project(name, {
        timeout: 2,
        memory: 256,
        environment: {STAGE: 'test'},
        description: 'limg e2e function',
        tags: {team: 'limg', env: 'e2e'},
        ephemeralStorage: 1024,
      })
      const build = await world.limg(['build', '--base-image', base, '--json'], dir)
      assert.equal(build.exitCode, 0, build.stderr)
    })

    it('deploy --create-role creates the role and the function, waits for Active, and prints the documented JSON', async () => {
      const run = await world.limg(['deploy', '--create-role', '--json'], dir)
      timings.firstDeploy = run.wallMs
      assert.equal(run.exitCode, 0, run.stdout + run.stderr)
      const result = run.json
      for (const key of ['functionArn', 'version', 'imageUri', 'state', 'lastUpdateStatus', 'durationMs']) assert.ok(key in result, key)
      assert.equal(result.functionArn, `arn:aws:lambda:${REGION}:123456789012:function:${name}`)
      assert.equal(result.version, '$LATEST')
      assert.equal(result.state, 'Active')
      assert.equal(result.lastUpdateStatus, 'Successful')
      assert.equal(result.created, true)
      assert.equal(result.roleCreated, true)
      assert.equal(result.architecture, 'x86_64')
      assert.match(String(result.imageUri), new RegExp(`^${world.aws.registry.host.replace(/\./g, '\\.')}/${name.toLowerCase()}@sha256:[0-9a-f]{64}$`))

      // Lambda saw what limg.json says, by digest, as an image function.
      const fn = world.aws.lambda.functions.get(name)!
      const c = fn.configuration as Record<string, unknown>
      assert.equal(c.PackageType, 'Image')
      assert.deepEqual(c.Architectures, ['x86_64'])
      assert.equal(c.MemorySize, 256)
      assert.equal(c.Timeout, 2)
      assert.deepEqual(c.Environment, {Variables: {STAGE: 'test'}})
      assert.deepEqual(c.EphemeralStorage, {Size: 1024})
      assert.equal(c.Description, 'limg e2e function')
      assert.deepEqual(fn.tags, {team: 'limg', env: 'e2e'})
      assert.equal(fn.code.imageUri, result.imageUri)

      // The role is the guide's: trusted by Lambda, the basic execution policy and nothing else.
      const role = world.aws.iam.roles.get(`limg-${name}`)!
      assert.equal(c.Role, role.Arn)
      assert.deepEqual(role.attached, [BASIC])
      assert.match(role.AssumeRolePolicyDocument, /lambda\.amazonaws\.com/)
      assert.deepEqual(world.aws.iam.operations().filter((o) => o === 'AttachRolePolicy'), ['AttachRolePolicy'])
      // It waited: Lambda refused the new role twice, and the function was read while Pending.
      assert.equal(world.aws.lambda.calls.filter((call) => call.operation === 'CreateFunction' && call.status === 400).length, 2)
      assert.ok(world.aws.lambda.calls.filter((call) => call.operation === 'GetFunctionConfiguration').length >= 2)
    })

    it('invoke --remote: the payload on stdout, the log tail on stderr; exit 10 for a function error and 11 for a timeout', async () => {
      const ok = await world.limg(['invoke', '--remote', '--event', '-', '--json'], dir, {input: '{"name":"remote"}'})
      timings.invoke = ok.wallMs
      assert.equal(ok.exitCode, 0, ok.stderr)
      assert.equal(ok.json.outcome, 'success')
      assert.equal(ok.json.functionName, name)
      assert.equal(ok.json.executedVersion, '$LATEST')
      assert.deepEqual(ok.json.payload, {version: 'one', name: 'remote', fn: name, region: REGION, stage: 'test', arch: 'x64'})
      assert.match(ok.stderr, /^START RequestId: /m)
      assert.match(ok.stderr, /INFO\thandling \{"name":"remote"\}/)
      assert.match(ok.stderr, /^REPORT RequestId: /m)

      const human = await world.limg(['invoke', '--remote'], dir)
      assert.equal(human.exitCode, 0, human.stderr)
      assert.equal(JSON.parse(human.stdout).name, 'Ada')

      const thrown = await world.limg(['invoke', '--remote', '--event', '-', '--json'], dir, {input: '{"action":"throw"}'})
      assert.equal(thrown.exitCode, 10, thrown.stdout + thrown.stderr)
      assert.equal(thrown.json.outcome, 'function-error')
      assert.equal(thrown.json.functionError, 'Unhandled')
      assert.equal((thrown.json.payload as {errorType: string}).errorType, 'TypeError')

      const slow = await world.limg(['invoke', '--remote', '--event', '-', '--json'], dir, {input: '{"action":"sleep","ms":4000}'})
      assert.equal(slow.exitCode, 11, slow.stdout + slow.stderr)
      assert.equal(slow.json.outcome, 'timeout')
      assert.match(String((slow.json.payload as {errorMessage: string}).errorMessage), /Task timed out after 2\.00 seconds/)

      const bad = await world.limg(['invoke', '--remote', '--event', '-', '--json'], dir, {input: 'not json'})
      assert.equal(bad.exitCode, 2)
      assert.equal((bad.json.error as {code: string}).code, 'InvalidRequestContentException')
    })

    it('logs --remote prints the function\'s CloudWatch log events, newest last', async () => {
      const run = await world.limg(['logs', '--remote'], dir)
      assert.equal(run.exitCode, 0, run.stderr)
      const lines = run.stdout.split('\n')
      const starts = lines.filter((l) => l.startsWith('START RequestId: '))
      assert.ok(starts.length >= 4, run.stdout)
      assert.ok(lines.findIndex((l) => l.includes('handling {"name":"remote"}')) < lines.findIndex((l) => l.includes('handling {"action":"throw"}')), run.stdout)
      assert.match(lines.filter(Boolean).at(-1) ?? '', /^REPORT RequestId: /)
      const json = await world.limg(['logs', '--remote', '--tail', '3', '--json'], dir)
      assert.equal(json.exitCode, 0, json.stderr)
      assert.deepEqual(json.json, {functionName: name, logGroup: `/aws/lambda/${name}`, logGroupExists: true, lines: 3})
    })

    it('a code-only redeploy updates the code alone, and the next invoke runs it', async () => {
      await setHandlerVersion(dir, 'two')
      const build = await world.limg(['build', '--base-image', base], dir)
      assert.equal(build.exitCode, 0, build.stderr)
      const run = await world.limg(['deploy', '--json'], dir)
      timings.codeOnlyRedeploy = run.wallMs
      assert.equal(run.exitCode, 0, run.stdout + run.stderr)
      assert.equal(run.json.created, false)
      assert.equal(run.json.codeUpdated, true)
      assert.deepEqual(run.json.configurationChanged, [])
      assert.equal(run.json.lastUpdateStatus, 'Successful')
      assert.equal((run.json.push as {alreadyPushed: boolean}).alreadyPushed, false)
      assert.ok(!world.aws.lambda.operations().includes('UpdateFunctionConfiguration'))
      const invoked = await world.limg(['invoke', '--remote', '--json'], dir)
      assert.equal((invoked.json.payload as {version: string}).version, 'two')

      const again = await world.limg(['deploy', '--json'], dir)
      timings.unchangedRedeploy = again.wallMs
      assert.equal(again.exitCode, 0, again.stderr)
      assert.equal(again.json.codeUpdated, false)
    })

    it('--alias publishes a version and points the alias at it; invoke --qualifier runs that version', async () => {
      const run = await world.limg(['deploy', '--alias', 'live', '--json'], dir)
      assert.equal(run.exitCode, 0, run.stdout + run.stderr)
      assert.equal(run.json.version, '1')
      assert.equal(run.json.functionArn, `arn:aws:lambda:${REGION}:123456789012:function:${name}:1`)
      assert.deepEqual((run.json.alias as {name: string; functionVersion: string}).functionVersion, '1')
      const invoked = await world.limg(['invoke', '--remote', '--qualifier', 'live', '--json'], dir)
      assert.equal(invoked.exitCode, 0, invoked.stderr)
      assert.equal(invoked.json.executedVersion, '1')
    })

    it('one-line errors: a malformed region and a missing role are input (2), before any call', async () => {
      const before = world.aws.lambda.calls.length
      const region = await world.limg(['deploy', '--region', 'eu_west_3', '--json'], dir)
      assert.equal(region.exitCode, 2, region.stdout)
      assert.match((region.json.error as {message: string}).message, /"eu_west_3" \(from --region\) is malformed/)
      const role = await world.limg(['deploy', '--function', `norole-${RUN_ID}`], dir)
      assert.equal(role.exitCode, 2, role.stderr)
      assert.match(role.stderr, /^Error: The function norole-\S+ needs an execution role, and none is named\. Pass --role ARN, .*--create-role/m)
      assert.equal(role.stderr.trim().split('\n').filter((l) => l.startsWith('Error:')).length, 1)
      assert.equal(world.aws.lambda.calls.filter((c) => c.operation !== 'GetFunction').length, world.aws.lambda.calls.slice(0, before).filter((c) => c.operation !== 'GetFunction').length)
    })

    it('one-line errors from AWS: AccessDenied, a role Lambda cannot assume, a repository in another region (5), an image over the size limit (4)', async () => {
      const roleArn = world.aws.iam.roles.get(`limg-${name}`)!.Arn
      world.aws.lambda.failures.set('CreateFunction', {
        type: 'AccessDeniedException',
        status: 403,
        message: `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:${REGION}:123456789012:function:denied`,
        times: 1,
      })
      const denied = await world.limg(['deploy', '--function', `denied-${RUN_ID}`, '--role', roleArn, '--json'], dir)
      assert.equal(denied.exitCode, 5, denied.stdout)
      assert.match((denied.json.error as {message: string}).message, /^Not allowed to call lambda:CreateFunction in eu-west-3: User: .* is not authorized/)

      const ec2 = world.aws.iam.addRole(`ec2-${RUN_ID}`, 'ec2')
      const untrusted = await world.limg(['deploy', '--function', `untrusted-${RUN_ID}`, '--role', ec2.Arn, '--json'], dir)
      assert.equal(untrusted.exitCode, 5, untrusted.stdout)
      assert.match((untrusted.json.error as {message: string}).message, /^Lambda cannot assume the execution role .*ec2-.*: The role defined for the function cannot be assumed by Lambda\./)
      assert.match((untrusted.json.error as {suggestion: string}).suggestion, /lambda\.amazonaws\.com/)

      world.aws.lambda.registryRegion = 'us-west-2'
      try {
        const foreign = await world.limg(['deploy', '--function', `foreign-${RUN_ID}`, '--role', roleArn, '--json'], dir)
        assert.equal(foreign.exitCode, 5, foreign.stdout)
        assert.match((foreign.json.error as {message: string}).message, /^Lambda cannot use the image .*: Source image .* is not valid/)
        assert.match((foreign.json.error as {suggestion: string}).suggestion, /region \(eu-west-3\)/)
      } finally {
        world.aws.lambda.registryRegion = REGION
      }

      world.aws.lambda.imageSizeLimitBytes = 1024 * 1024
      try {
        const big = await world.limg(['deploy', '--function', `big-${RUN_ID}`, '--role', roleArn], dir)
        assert.equal(big.exitCode, 4, big.stderr)
        assert.match(big.stderr, /^Error: big-\S+ could not be made Active: the image is over Lambda's size limit \(InvalidImage: SizeLimitExceeded: Uncompressed container image size exceeds 10 GiB limit\)\./m)
      } finally {
        world.aws.lambda.imageSizeLimitBytes = 10 * 1024 ** 3
      }
    })

    it('Ctrl-C while Lambda is still creating the function: exit 130, saying that Lambda carries on', async () => {
      const roleArn = world.aws.iam.roles.get(`limg-${name}`)!.Arn
      world.aws.lambda.settleReads = 1_000_000
      try {
        const child = world.spawn(['deploy', '--function', `sigint-${RUN_ID}`, '--role', roleArn], dir)
        await child.waitFor(/waiting for sigint-\S+ to become Active: State Pending/)
        child.process.kill('SIGINT')
        const [code] = (await once(child.process, 'exit')) as [number]
        assert.equal(code, 130, child.stderr())
        assert.match(child.stderr(), /^Error: Interrupted \(SIGINT\) while waiting for sigint-\S+ to become Active; Lambda carries on by itself\. See it with `aws lambda get-function-configuration --function-name sigint-\S+`, or run limg deploy again\.$/m)
      } finally {
        world.aws.lambda.settleReads = 2
      }
    })

    it('logs --remote --follow prints a new invocation\'s lines as they come, until Ctrl-C (exit 130)', async () => {
      const reads = () => world.aws.logs.calls.filter((c) => c.operation === 'FilterLogEvents').length
      const before = reads()
      const child = world.spawn(['logs', '--remote', '--follow', '--since', '1s'], dir)
      // Invoked once the command has read the log as it was: the new lines can only come from following.
      await child.waitForRequest(() => reads() > before)
      const invoked = await world.limg(['invoke', '--remote', '--event', '-', '--json'], dir, {input: '{"name":"followed"}'})
      assert.equal(invoked.exitCode, 0, invoked.stderr)
      await child.waitForStdout(new RegExp(`^REPORT RequestId: ${String(invoked.json.requestId)}`, 'm'))
      assert.match(child.stdout(), /INFO\thandling \{"name":"followed"\}/)
      child.process.kill('SIGINT')
      const [code] = (await once(child.process, 'exit')) as [number]
      assert.equal(code, 130)
    })

    it('wrote nothing under HOME', async () => {
      assert.deepEqual(await readdir(world.home), [])
    })
  })

  describe('arm64: init, build --arch arm64, deploy --create-role, invoke --remote, logs --remote', () => {
    const name = `fn-a-${RUN_ID}`
    let dir: string
    let base: string

    before(async () => {
      base = await ensureBaseImage('nodejs24.x', 'arm64')
      const init = await world.limg(['init', name, '--yes', '--json'], world.root)
      assert.equal(init.exitCode, 0, init.stderr)
      assert.equal(init.json.arch, 'x86_64')
      dir = join(world.root, name)
    })

    it('deploys the arm64 image the last build made, and invokes it on arm64', async () => {
      const build = await world.limg(['build', '--arch', 'arm64', '--base-image', base], dir)
      assert.equal(build.exitCode, 0, build.stderr)
      const deploy = await world.limg(['deploy', '--create-role'], dir)
      timings.arm64FirstDeploy = deploy.wallMs
      assert.equal(deploy.exitCode, 0, deploy.stderr)
      assert.match(deploy.stderr, /Deploying the arm64 image, as the last limg build made/)
      assert.equal(deploy.stdout.trim(), `arn:aws:lambda:${REGION}:123456789012:function:${name}`)
      assert.deepEqual(world.aws.lambda.functions.get(name)?.configuration.Architectures, ['arm64'])

      const invoked = await world.limg(['invoke', '--remote', '--json'], dir)
      timings.arm64ColdInvoke = invoked.wallMs
      assert.equal(invoked.exitCode, 0, invoked.stderr)
      assert.deepEqual(invoked.json.payload, {statusCode: 200, body: JSON.stringify({message: 'Hello, Ada!'})})

      const logs = await world.limg(['logs', '--remote'], dir)
      assert.equal(logs.exitCode, 0, logs.stderr)
      assert.match(logs.stdout, new RegExp(`^START RequestId: ${String(invoked.json.requestId)} Version: \\$LATEST$`, 'm'))
      assert.match(logs.stdout, new RegExp(`^REPORT RequestId: ${String(invoked.json.requestId)}\t`, 'm'))
    })

    // x86_64's code-only redeploy runs by default; arm64's (a second emulated build and cold start) with the full matrix.
    const everyArch = process.env.LIMG_TEST_ALL_RUNTIMES === '1' ? it : it.skip
    everyArch('a code-only redeploy of the arm64 function (LIMG_TEST_ALL_RUNTIMES=1)', async () => {
      const file = join(dir, 'index.js')
      await writeFile(file, (await readFile(file, 'utf8')).replace("'Hello'", "'Hi'"))
      const build = await world.limg(['build', '--arch', 'arm64', '--base-image', base], dir)
      assert.equal(build.exitCode, 0, build.stderr)
      const deploy = await world.limg(['deploy', '--json'], dir)
      timings.arm64CodeOnlyRedeploy = deploy.wallMs
      assert.equal(deploy.exitCode, 0, deploy.stderr)
      assert.equal(deploy.json.codeUpdated, true)
      assert.deepEqual(deploy.json.configurationChanged, [])
      const invoked = await world.limg(['invoke', '--remote', '--json'], dir)
      assert.deepEqual(invoked.json.payload, {statusCode: 200, body: JSON.stringify({message: 'Hi, Ada!'})})
    })
  })
  describe('a repository of two functions: build and deploy at its root', () => {
    const names = [`fn-ra-${RUN_ID}`, `fn-rb-${RUN_ID}`]
    let repo: string

    before(async () => {
      repo = join(world.root, 'repo')
      await mkdir(join(repo, 'functions'), {recursive: true})
      await writeFile(join(repo, 'limg.json'), JSON.stringify({functions: ['functions/*']}))
      for (const name of names) await rename(await world.project(name), join(repo, 'functions', name))
      const build = await world.limg(['build', '--base-image', await ensureBaseImage('nodejs24.x', 'x86_64'), '--json'], repo)
      assert.equal(build.exitCode, 0, build.stdout + build.stderr)
    })

    it('deploys each to its own function, then only the one --function names', async () => {
      const run = await world.limg(['deploy', '--create-role', '--json'], repo)
      assert.equal(run.exitCode, 0, run.stdout + run.stderr)
      const result = run.json as {functions: Array<{name: string; ok: boolean; result: {functionArn: string; state: string; created: boolean}}>; succeeded: number}
      assert.equal(result.succeeded, 2)
      for (const [i, name] of names.entries()) {
        const outcome = result.functions[i]!
        assert.equal(outcome.name, name)
        assert.equal(outcome.result.functionArn, `arn:aws:lambda:${REGION}:123456789012:function:${name}`)
        assert.equal(outcome.result.state, 'Active')
        assert.equal(outcome.result.created, true)
        assert.ok(world.aws.lambda.functions.has(name))
      }
      const one = await world.limg(['deploy', '--function', names[1]!, '--json'], repo)
      assert.equal(one.exitCode, 0, one.stdout + one.stderr)
      const again = one.json as {functions: Array<{name: string; result: {created: boolean; codeUpdated: boolean}}>}
      assert.deepEqual(again.functions.map((fn) => [fn.name, fn.result.created, fn.result.codeUpdated]), [[names[1], false, false]])
    })
  })
})
