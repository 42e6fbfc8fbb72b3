import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {LambdaClient, UpdateFunctionCodeCommand} from '@aws-sdk/client-lambda'
import {SdkLogsApi} from '../../../src/cloudwatch-logs/sdk-logs-api.js'
import {readFunctionLogs} from '../../../src/remote/function-logs.js'
import type {DeployEvent} from '../../../src/deploy/events.js'
import {deployFunction} from '../../../src/deploy/deploy.js'
import {waitForFunction} from '../../../src/deploy/wait.js'
import {AwsError, BuildFailedError, InterruptedError} from '../../../src/errors/index.js'
import {SdkIamApi} from '../../../src/iam/sdk-iam-api.js'
import type {FunctionSettings} from '../../../src/lambda/lambda-api.js'
import {SdkLambdaApi} from '../../../src/lambda/sdk-lambda-api.js'
import {pushToEcr} from '../../../src/push/push-to-ecr.js'
import {SdkEcrApi} from '../../../src/ecr/sdk-ecr-api.js'
import {MEDIA_TYPES, RegistryHttp} from '../../../src/registry/registry-http.js'
import {type AwsStandIns, REGION, startAwsStandIns} from '../../support/aws-stand-ins.js'
import {RUN_ID, buildTinyImage, removeRunImages, setProcessEnv} from '../push/fixtures.js'
import {connectionFromEnv} from '../../../src/docker/connection.js'
import {type DockerClient, connectDocker} from '../../../src/docker/client.js'
import {rawDocker} from '../../support/raw-docker.js'

const SETTINGS = {scanOnPush: true, imageTagMutability: 'IMMUTABLE' as const, maxImages: 5}

describe('Lambda, IAM and CloudWatch Logs through the SDK against their stand-ins (real HTTP, SigV4 checked)', function () {
  this.timeout(300_000)
  let engine: DockerClient
  let aws: AwsStandIns
  let home: string
  let restoreEnv: () => void
  let roleArn: string
  const images: Record<'x86' | 'x86b' | 'arm', {digestUri: string}> = {} as never
  const settings = (): FunctionSettings => ({role: roleArn, memoryMb: 128, timeoutSeconds: 3, environment: {}, ephemeralStorageMb: 512, description: ''})

  before(async () => {
    engine = await connectDocker(connectionFromEnv())
    aws = await startAwsStandIns({docker: rawDocker(), labels: {'limg.test': RUN_ID, limg: 'test'}})
    home = await mkdtemp(join(tmpdir(), 'limg-deploy-home-'))
    restoreEnv = setProcessEnv(aws.env(home))
    roleArn = aws.iam.addRole(`role-${RUN_ID}`, 'lambda', ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']).Arn
    const push = async (ref: string, arch: 'x86_64' | 'arm64') =>
      pushToEcr({image: ref, arch, repository: `deploy-test/${RUN_ID}`, settings: SETTINGS}, {images: engine.images, ecr: new SdkEcrApi()})
    images.x86 = await push(await buildTinyImage(engine, `limg-${RUN_ID}-dx`, 'x86_64', 'one'), 'x86_64')
    images.x86b = await push(await buildTinyImage(engine, `limg-${RUN_ID}-dy`, 'x86_64', 'two'), 'x86_64')
    images.arm = await push(await buildTinyImage(engine, `limg-${RUN_ID}-da`, 'arm64', 'one'), 'arm64')
  })

  after(async () => {
    restoreEnv?.()
    await aws?.close()
    if (engine) await removeRunImages(engine)
    if (home) await rm(home, {recursive: true, force: true})
  })

  const wait = (lambda: SdkLambdaApi, events: DeployEvent[] = [], signal?: AbortSignal) => ({lambda, emit: (e: DeployEvent) => events.push(e), deadline: Date.now() + 60_000, pollDelaysMs: [10], ...(signal ? {signal} : {})})

  it('a new function is Pending, then Active once its image is pulled and it has been read; it records the image by digest', async () => {
    const lambda = new SdkLambdaApi()
    const created = await lambda.createFunction({name: `a-${RUN_ID}`, imageUri: images.x86.digestUri, architecture: 'x86_64', settings: settings(), tags: {k: 'v'}})
    assert.equal(created.state, 'Pending')
    assert.equal(created.stateReasonCode, 'Creating')
    const events: DeployEvent[] = []
    const active = await waitForFunction(wait(lambda, events), `a-${RUN_ID}`, 'active')
    assert.equal(active.state, 'Active')
    assert.equal(active.lastUpdateStatus, 'Successful')
    assert.ok(events.some((e) => e.type === 'waiting' && e.state === 'Pending'))
    const fn = await lambda.getFunction(`a-${RUN_ID}`)
    assert.equal(fn?.imageUri, images.x86.digestUri)
    assert.equal(fn?.resolvedImageUri, images.x86.digestUri)
    assert.deepEqual(fn?.tags, {k: 'v'})
    assert.equal(await lambda.getFunction(`missing-${RUN_ID}`), undefined)
  })

  it('an update is InProgress before Successful, and a change during it is ResourceConflictException', async () => {
    const lambda = new SdkLambdaApi()
    const name = `a-${RUN_ID}`
    const updating = await lambda.updateFunctionCode(name, {imageUri: images.x86b.digestUri, architecture: 'x86_64'})
    assert.equal(updating.lastUpdateStatus, 'InProgress')
    await assert.rejects(lambda.updateFunctionConfiguration(name, {...settings(), memoryMb: 256}), (error: unknown) => {
      assert.ok(error instanceof AwsError)
      assert.equal(error.awsCode, 'ResourceConflictException')
      assert.match(error.message, /An update is in progress for resource: arn:aws:lambda:eu-west-3:123456789012:function:a-/)
      return true
    })
    const done = await waitForFunction(wait(lambda), name, 'updated')
    assert.equal(done.lastUpdateStatus, 'Successful')
    assert.equal((await lambda.getFunction(name))?.imageUri, images.x86b.digestUri)
  })

  it('an image whose architecture is not the function\'s fails the update, and the function keeps its code', async () => {
    const name = `a-${RUN_ID}`
    // UpdateFunctionCode without Architectures keeps the function's: x86_64, for an arm64 image.
    await new LambdaClient({}).send(new UpdateFunctionCodeCommand({FunctionName: name, ImageUri: images.arm.digestUri}))
    const lambda = new SdkLambdaApi()
    await assert.rejects(waitForFunction(wait(lambda), name, 'updated'), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError)
      assert.match(error.message, /failed to update \(it keeps what it had before\): Lambda refused the image \(InvalidImage: The image's architecture \(arm64\) does not match the function's architecture \(x86_64\)\.\)/)
      return true
    })
    assert.equal((await lambda.getFunction(name))?.imageUri, images.x86b.digestUri)
  })

  it('an image index is refused by Lambda in one line, exit 4', async () => {
    const repository = `deploy-test/${RUN_ID}`
    const http = new RegistryHttp({username: 'AWS', password: aws.registry.password, proxyEndpoint: aws.registry.endpoint})
    const single = await http.manifest(repository, images.x86.digestUri.split('@')[1])
    const index = JSON.stringify({schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [{mediaType: single.mediaType, digest: single.digest, size: single.body.length, platform: {architecture: 'amd64', os: 'linux'}}]})
    const put = await fetch(`${aws.registry.endpoint}/v2/${repository}/manifests/index-${RUN_ID}`, {
      method: 'PUT',
      headers: {'content-type': MEDIA_TYPES.ociIndex, authorization: `Basic ${Buffer.from(`AWS:${aws.registry.password}`).toString('base64')}`},
      body: index,
    })
    assert.equal(put.status, 201)
    const uri = `${aws.registry.host}/${repository}:index-${RUN_ID}`
    await assert.rejects(new SdkLambdaApi().createFunction({name: `index-${RUN_ID}`, imageUri: uri, architecture: 'x86_64', settings: settings(), tags: {}}), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError)
      assert.equal(error.exitCode, 4)
      assert.match(error.message, /^Lambda refuses the image .*index-.*: The image manifest, config or layer media type for the source image .* is not supported\. An image index/)
      assert.match(error.suggestion ?? '', /--provenance=false --sbom=false/)
      return true
    })
  })

  it('each stand-in refuses a request signed with the wrong secret', async () => {
    const restore = setProcessEnv({...aws.env(home), AWS_SECRET_ACCESS_KEY: 'not-the-secret'})
    try {
      await assert.rejects(new SdkLambdaApi().getFunction('x'), (e: unknown) => e instanceof AwsError && /InvalidSignatureException/.test(e.message))
      await assert.rejects(new SdkIamApi().getRole('x'), (e: unknown) => e instanceof AwsError && /SignatureDoesNotMatch/.test(e.message))
      await assert.rejects(new SdkLogsApi().filterEvents('/aws/lambda/x', {startTime: 0}), (e: unknown) => e instanceof AwsError && /InvalidSignatureException/.test(e.message))
    } finally {
      restore()
    }
  })

  it('IAM: a new role is missing from GetRole at first; AccessDenied names the action in one line', async () => {
    const iam = new SdkIamApi()
    const role = await iam.createLambdaRole(`new-${RUN_ID}`, {description: 'test', tags: {a: 'b'}})
    assert.ok(role?.trustsLambda)
    assert.equal(await iam.getRole(`new-${RUN_ID}`), undefined)
    assert.equal((await iam.getRole(`new-${RUN_ID}`))?.arn, role.arn)
    assert.equal(await iam.createLambdaRole(`new-${RUN_ID}`, {description: 'test', tags: {}}), undefined)
    await iam.attachBasicExecutionPolicy(`new-${RUN_ID}`, 'aws')
    assert.deepEqual(await iam.attachedPolicyArns(`new-${RUN_ID}`), ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'])
    aws.iam.failures.set('CreateRole', {type: 'AccessDenied', status: 403, message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreateRole', times: 1})
    await assert.rejects(iam.createLambdaRole(`denied-${RUN_ID}`, {description: '', tags: {}}), (error: unknown) => {
      assert.ok(error instanceof AwsError)
      assert.equal(error.exitCode, 5)
      assert.match(error.message, /^Not allowed to call iam:CreateRole: User: .* is not authorized to perform: iam:CreateRole$/)
      assert.match(error.suggestion ?? '', /allows iam:CreateRole/)
      return true
    })
  })

  it('CloudWatch Logs: a function\'s events across streams and pages, oldest first; a group that does not exist is a value', async () => {
    const group = `/aws/lambda/a-${RUN_ID}`
    const now = Date.now()
    aws.logs.put(group, '2026/01/01/[$LATEST]bb', [3, 1].map((n) => ({timestamp: now - 1000 + n, message: `line ${n}\n`})))
    aws.logs.put(group, '2026/01/01/[$LATEST]aa', [2, 4, 5].map((n) => ({timestamp: now - 1000 + n, message: `line ${n}\n`})))
    const logs = new SdkLogsApi()
    assert.equal(await logs.filterEvents('/aws/lambda/none', {startTime: 0}), undefined)
    aws.logs.pageSize = 2
    try {
      const lines: string[] = []
      const result = await readFunctionLogs({lambda: new SdkLambdaApi(), logs}, {functionName: `a-${RUN_ID}`, sinceMs: 60_000, follow: false}, (line) => lines.push(line.text))
      assert.deepEqual(lines, ['line 1', 'line 2', 'line 3', 'line 4', 'line 5'])
      assert.deepEqual(result, {functionName: `a-${RUN_ID}`, logGroup: group, logGroupExists: true, lines: 5})
      assert.ok(aws.logs.calls.filter((c) => c.operation === 'FilterLogEvents' && c.body.nextToken !== undefined).length >= 2)
    } finally {
      aws.logs.pageSize = 10_000
    }
  })

  it('deploy waits for an update someone else started, and retries a change Lambda refuses as in conflict', async () => {
    const name = `a-${RUN_ID}`
    aws.lambda.beginOutsideUpdate(name, 3)
    aws.lambda.failures.set('UpdateFunctionConfiguration', {type: 'ResourceConflictException', status: 409, message: `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:${REGION}:123456789012:function:${name}`, times: 1})
    const events: DeployEvent[] = []
    const result = await deployFunction(
      {
        images: engine.images,
        lambda: new SdkLambdaApi(),
        iam: new SdkIamApi(),
        push: async () => ({...images.x86, imageUri: images.x86.digestUri, digest: images.x86.digestUri.split('@')[1], repository: `deploy-test/${RUN_ID}`, registry: aws.registry.host, region: REGION, mediaType: MEDIA_TYPES.dockerManifest, architecture: 'amd64', tag: 'x', bytesUploaded: 0, layers: {pushed: 0, existing: 2}, alreadyPushed: true, repositoryCreated: false, warnings: []}),
        pollDelaysMs: [10],
      },
      {functionName: name, image: `limg-${RUN_ID}-dx:x86_64`, imageExplicit: true, arch: 'x86_64', settings: {memoryMb: 256, timeoutSeconds: 3, environment: {A: '1'}, ephemeralStorageMb: 512, description: 'd'}, tags: {}, createRole: false, publish: false},
      (e) => events.push(e),
    )
    assert.equal(result.codeUpdated, true)
    assert.deepEqual(result.configurationChanged, ['memory', 'description', 'environment'])
    assert.equal(result.lastUpdateStatus, 'Successful')
    const firstWait = events.findIndex((e) => e.type === 'waiting' && e.lastUpdateStatus === 'InProgress')
    const codePhase = events.findIndex((e) => e.type === 'phase' && e.phase === 'code')
    assert.ok(firstWait >= 0 && firstWait < codePhase, JSON.stringify(events))
    assert.ok(events.some((e) => e.type === 'retry' && e.what === 'update the configuration'), JSON.stringify(events))
    const c = aws.lambda.functions.get(name)!.configuration as Record<string, unknown>
    assert.equal(c.MemorySize, 256)
    assert.deepEqual(c.Environment, {Variables: {A: '1'}})
  })

  it('Ctrl-C while waiting stops with a message saying Lambda carries on', async () => {
    const lambda = new SdkLambdaApi()
    await lambda.createFunction({name: `b-${RUN_ID}`, imageUri: images.x86.digestUri, architecture: 'x86_64', settings: settings(), tags: {}})
    const controller = new AbortController()
    const events: DeployEvent[] = []
    const context = {...wait(lambda, events, controller.signal), emit: (e: DeployEvent) => {
      events.push(e)
      if (e.type === 'waiting') controller.abort(new InterruptedError('SIGINT'))
    }, pollDelaysMs: [60_000]}
    await assert.rejects(waitForFunction(context, `b-${RUN_ID}`, 'active'), (error: unknown) => {
      assert.ok(error instanceof InterruptedError)
      assert.equal(error.exitCode, 130)
      assert.match(error.message, /^Interrupted \(SIGINT\) while waiting for b-\S+ to become Active; Lambda carries on by itself\./)
      return true
    })
  })
})
