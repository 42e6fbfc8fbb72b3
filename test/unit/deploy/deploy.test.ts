import assert from 'node:assert/strict'
import {deployFunction} from '../../../src/deploy/deploy.js'
import type {DeployEvent} from '../../../src/deploy/events.js'
import {AwsError, BuildFailedError, InvalidInputError} from '../../../src/errors/index.js'
import {IMAGE_URI, REGION, image, pushed, request, world} from './fakes.js'

const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'
const SETTINGS = {role: 'arn:aws:iam::123456789012:role/own', memoryMb: 128, timeoutSeconds: 3, environment: {}, ephemeralStorageMb: 512, description: ''}

describe('deployFunction', () => {
  it('creates a new function from the image by digest, with the role it creates, and waits for Active', async () => {
    const w = world()
    const events: DeployEvent[] = []
    const result = await deployFunction(w.deps, request({tags: {team: 'a'}, settings: {...request().settings, memoryMb: 512}}), (e) => events.push(e))
    assert.equal(result.created, true)
    assert.equal(result.state, 'Active')
    assert.equal(result.lastUpdateStatus, 'Successful')
    assert.equal(result.imageUri, IMAGE_URI)
    assert.equal(result.version, '$LATEST')
    assert.equal(result.roleCreated, true)
    assert.equal(result.roleArn, 'arn:aws:iam::123456789012:role/limg-fn')
    const fn = w.lambda.functions.get('fn')!
    assert.equal(fn.imageUri, IMAGE_URI)
    assert.deepEqual(fn.tags, {team: 'a'})
    assert.equal(fn.status.settings.memoryMb, 512)
    assert.ok(events.some((e) => e.type === 'waiting' && e.state === 'Pending'))
    assert.deepEqual(w.iam.attachCalls, [{role: 'limg-fn', policy: BASIC}])
  })

  it('refuses an image of another architecture, or over 10 GiB, before any call', async () => {
    for (const [img, error] of [
      [image({architecture: 'arm64'}), InvalidInputError],
      [image({sizeBytes: 11 * 1024 ** 3}), BuildFailedError],
    ] as const) {
      const w = world({image: img})
      await assert.rejects(deployFunction(w.deps, request()), error)
      assert.deepEqual(w.lambda.calls, [])
      assert.deepEqual(w.iam.calls, [])
      assert.equal(w.pushes, 0)
    }
  })

  it('refuses what ECR reports as another architecture, and an image in another region, before Lambda is changed', async () => {
    const arm = world({push: pushed({architecture: 'arm64'})})
    await assert.rejects(deployFunction(arm.deps, request({role: SETTINGS.role})), /is for arm64, but the function is x86_64/)
    const foreign = world({push: pushed({digestUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/fn@sha256:${'1'.repeat(64)}`})})
    await assert.rejects(deployFunction(foreign.deps, request({role: SETTINGS.role})), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.message, /in us-east-1, but the function is in eu-west-1/)
      return true
    })
    assert.ok(!foreign.lambda.calls.includes('createFunction'))
  })

  it('without a role and without --create-role: one line saying how, before anything is pushed; a yes on the terminal creates it', async () => {
    const w = world()
    await assert.rejects(deployFunction(w.deps, request({createRole: false})), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.suggestion ?? '', /--role ARN.*"role" in limg\.json.*--create-role.*limg-fn/)
      return true
    })
    assert.equal(w.pushes, 0)
    const asked: string[] = []
    const yes = await deployFunction(w.deps, request({createRole: false, confirmRoleCreation: async (plan) => (asked.push(plan.roleName), true)}))
    assert.deepEqual(asked, ['limg-fn'])
    assert.equal(yes.roleCreated, true)
  })

  it('a role given as an ARN is used as it is, without asking IAM', async () => {
    const w = world()
    const result = await deployFunction(w.deps, request({role: SETTINGS.role, createRole: false}))
    assert.equal(result.roleArn, SETTINGS.role)
    assert.deepEqual(w.iam.calls, [])
  })

  it('waits for a role it created to become usable by Lambda; any other role Lambda refuses is an error at once', async () => {
    const notYet = () => new AwsError('Lambda cannot assume the execution role x: The role defined for the function cannot be assumed by Lambda.', undefined, {awsCode: 'InvalidParameterValueException'})
    const w = world()
    w.iam.missesAfterCreate = 1
    w.lambda.throws.set('createFunction', [notYet(), notYet()])
    const events: DeployEvent[] = []
    const result = await deployFunction(w.deps, request(), (e) => events.push(e))
    assert.equal(result.created, true)
    assert.equal(events.filter((e) => e.type === 'retry').length, 2)
    // One wait for IAM to show the role, then two for Lambda to be able to assume it.
    assert.deepEqual(w.sleeps.slice(0, 3), [250, 1000, 2000])

    const own = world()
    own.lambda.throws.set('createFunction', [notYet()])
    await assert.rejects(deployFunction(own.deps, request({role: SETTINGS.role})), /cannot be assumed by Lambda/)
    assert.equal(own.lambda.calls.filter((c) => c === 'createFunction').length, 1)
  })

  it('an existing function: the code, then the configuration, each waited for; its role is kept', async () => {
    const w = world()
    w.lambda.add('fn', 'old@sha256:1', SETTINGS)
    const events: DeployEvent[] = []
    const result = await deployFunction(w.deps, request({settings: {...request().settings, timeoutSeconds: 10}}), (e) => events.push(e))
    assert.equal(result.created, false)
    assert.equal(result.codeUpdated, true)
    assert.deepEqual(result.configurationChanged, ['timeout'])
    assert.equal(result.roleArn, SETTINGS.role)
    const order = w.lambda.calls.filter((c) => c.startsWith('update'))
    assert.deepEqual(order, ['updateFunctionCode', 'updateFunctionConfiguration'])
    const code = w.lambda.calls.indexOf('updateFunctionCode')
    const config = w.lambda.calls.indexOf('updateFunctionConfiguration')
    assert.ok(w.lambda.calls.slice(code, config).includes('getFunctionConfiguration'), 'waited between the two')
    assert.deepEqual(w.iam.calls, [])
    assert.equal(w.lambda.functions.get('fn')!.status.settings.timeoutSeconds, 10)
  })

  it('an existing function of the other architecture follows its new image', async () => {
    const w = world({image: image({architecture: 'arm64'}), push: pushed({architecture: 'arm64'})})
    w.lambda.add('fn', IMAGE_URI, SETTINGS)
    const events: DeployEvent[] = []
    const result = await deployFunction(w.deps, request({arch: 'arm64', image: 'fn:arm64'}), (e) => events.push(e))
    assert.equal(result.codeUpdated, true)
    assert.deepEqual(w.lambda.functions.get('fn')!.status.architectures, ['arm64'])
    assert.ok(events.some((e) => e.type === 'phase' && e.phase === 'code' && /\(from x86_64 to arm64\)$/.test(e.message)))
  })

  it('the same image and settings again: nothing is updated', async () => {
    const w = world({push: pushed({alreadyPushed: true})})
    w.lambda.add('fn', IMAGE_URI, SETTINGS)
    const result = await deployFunction(w.deps, request({settings: {...request().settings}}))
    assert.equal(result.codeUpdated, false)
    assert.deepEqual(result.configurationChanged, [])
    assert.ok(!w.lambda.calls.some((c) => c.startsWith('update')))
  })

  it('waits out an update in progress before changing anything, and retries a change refused as a conflict', async () => {
    const w = world()
    w.lambda.add('fn', 'old@sha256:1', SETTINGS)
    const fn = w.lambda.functions.get('fn')!
    fn.status.lastUpdateStatus = 'InProgress'
    fn.settle = {lastUpdateStatus: 'Successful'}
    fn.readsLeft = 3
    w.lambda.throws.set('updateFunctionCode', [new AwsError('busy', undefined, {awsCode: 'ResourceConflictException'})])
    const events: DeployEvent[] = []
    const result = await deployFunction(w.deps, request(), (e) => events.push(e))
    assert.equal(result.codeUpdated, true)
    assert.equal(w.lambda.calls.filter((c) => c === 'updateFunctionCode').length, 2)
    assert.ok(events.some((e) => e.type === 'retry' && e.what === 'update the code'))
    const firstUpdate = w.lambda.calls.indexOf('updateFunctionCode')
    assert.ok(w.lambda.calls.slice(0, firstUpdate).filter((c) => c === 'getFunctionConfiguration').length >= 3)
  })

  it('says Lambda\'s reason when the update fails, and the size limit as such', async () => {
    const w = world()
    w.lambda.add('fn', 'old@sha256:1', SETTINGS)
    w.lambda.nextOutcome = {lastUpdateStatus: 'Failed', lastUpdateStatusReasonCode: 'InvalidImage', lastUpdateStatusReason: 'SizeLimitExceeded: Uncompressed container image size exceeds 10 GiB limit'}
    await assert.rejects(deployFunction(w.deps, request()), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError)
      assert.equal(error.message, "fn failed to update (it keeps what it had before): the image is over Lambda's size limit (InvalidImage: SizeLimitExceeded: Uncompressed container image size exceeds 10 GiB limit).")
      return true
    })
    const other = world()
    other.lambda.nextOutcome = {state: 'Failed', stateReasonCode: 'ImageAccessDenied', stateReason: 'Lambda does not have permission to access the ECR image.'}
    await assert.rejects(deployFunction(other.deps, request()), (error: unknown) => error instanceof AwsError && /could not be made Active: Lambda cannot read its image \(ImageAccessDenied/.test(error.message))
  })

  it('stops waiting at the deadline, saying that Lambda carries on', async () => {
    const w = world()
    w.lambda.reads = 1_000_000
    await assert.rejects(deployFunction(w.deps, request({waitTimeoutMs: 30_000})), (error: unknown) => {
      assert.ok(error instanceof AwsError)
      assert.match(error.message, /^fn is still Pending after limg's wait ran out; Lambda carries on by itself\.$/)
      assert.match(error.suggestion ?? '', /--wait-timeout/)
      return true
    })
    assert.ok(w.clock.now - 1_000_000 <= 31_000)
  })

  it('--publish publishes a version of the deployed code; --alias points a new alias at it, then moves it', async () => {
    const w = world()
    const first = await deployFunction(w.deps, request({alias: 'live'}))
    assert.equal(first.version, '1')
    assert.equal(first.functionArn, `arn:aws:lambda:${REGION}:123456789012:function:fn:1`)
    assert.equal(first.alias?.functionVersion, '1')
    assert.ok(w.lambda.calls.includes('createAlias'))
    const second = await deployFunction(w.deps, request({alias: 'live'}))
    assert.equal(second.alias?.functionVersion, '2')
    assert.ok(w.lambda.calls.includes('updateAlias'))
    const plain = await deployFunction(w.deps, request({publish: true}))
    assert.equal(plain.version, '3')
    assert.equal(plain.alias, null)
  })

  it('refuses to turn a .zip function into an image function', async () => {
    const w = world()
    w.lambda.add('fn', '', SETTINGS, {packageType: 'Zip'})
    await assert.rejects(deployFunction(w.deps, request()), /exists in eu-west-1 as a Zip function/)
  })

  it('attaches AWSLambdaBasicExecutionRole and nothing else, in the role\'s partition; an existing limg role is reused', async () => {
    const w = world()
    w.iam.roles.set('limg-fn', {name: 'limg-fn', arn: 'arn:aws-cn:iam::123456789012:role/limg-fn', trustsLambda: true, attached: []})
    const result = await deployFunction(w.deps, request())
    assert.equal(result.roleCreated, false)
    assert.deepEqual(w.iam.attachCalls, [{role: 'limg-fn', policy: 'arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'}])
    const untrusted = world()
    untrusted.iam.roles.set('limg-fn', {name: 'limg-fn', arn: 'arn:aws:iam::123456789012:role/limg-fn', trustsLambda: false, attached: []})
    await assert.rejects(deployFunction(untrusted.deps, request()), /does not let lambda\.amazonaws\.com assume it/)
  })

  it('tags an existing function with the tags it lacks', async () => {
    const w = world({push: pushed({alreadyPushed: true})})
    w.lambda.add('fn', IMAGE_URI, SETTINGS)
    w.lambda.functions.get('fn')!.tags = {team: 'a', keep: 'me'}
    await deployFunction(w.deps, request({tags: {team: 'b'}}))
    assert.deepEqual(w.lambda.functions.get('fn')!.tags, {team: 'b', keep: 'me'})
  })
})
