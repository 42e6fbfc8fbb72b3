import assert from 'node:assert/strict'
import {AwsError, BuildFailedError} from '../../../src/errors/index.js'
import {isResourceConflict, isRoleNotAssumable, lambdaFailure} from '../../../src/lambda/lambda-errors.js'
import {asAwsError} from '../../../src/aws/errors.js'
import {IAM_SERVICE} from '../../../src/iam/sdk-iam-api.js'

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), {name, ...extra})
}

describe('Lambda\'s answers as one line', () => {
  it('a role Lambda cannot assume says why and what to do, and stays recognisable for the retry', () => {
    const error = lambdaFailure(sdkError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.'), 'lambda:CreateFunction', {region: 'eu-west-1', role: 'arn:aws:iam::1:role/r'})
    assert.ok(error instanceof AwsError)
    assert.equal(error.message, 'Lambda cannot assume the execution role arn:aws:iam::1:role/r: The role defined for the function cannot be assumed by Lambda.')
    assert.match(error.suggestion ?? '', /lambda\.amazonaws\.com/)
    assert.ok(isRoleNotAssumable(error))
  })

  it('an image index or another media type is a build problem (exit 4) with the buildx flags', () => {
    const error = lambdaFailure(sdkError('InvalidParameterValueException', 'The image manifest, config or layer media type for the source image 1.dkr.ecr.eu-west-1.amazonaws.com/fn:t is not supported.'), 'lambda:CreateFunction', {imageUri: 'u'})
    assert.ok(error instanceof BuildFailedError)
    assert.equal(error.exitCode, 4)
    assert.match(error.suggestion ?? '', /--provenance=false --sbom=false/)
  })

  it('an image Lambda cannot use names the region and account rule', () => {
    for (const message of ['Source image x is not valid. Provide a valid source image.', 'Source image x does not exist. Provide a valid source image.', 'Image repository must be in the same account as the caller']) {
      const error = lambdaFailure(sdkError('InvalidParameterValueException', message), 'lambda:CreateFunction', {region: 'eu-west-1'})
      assert.match(error.message, /^Lambda cannot use the image/)
      assert.match(error.suggestion ?? '', /account and region \(eu-west-1\)/)
    }
  })

  it('access denied names the action AWS says was denied; a conflict keeps its name for the retry', () => {
    const denied = lambdaFailure(sdkError('AccessDeniedException', 'User: u is not authorized to perform: iam:PassRole on resource: r'), 'lambda:CreateFunction', {region: 'eu-west-1'})
    assert.match(denied.message, /^Not allowed to call lambda:CreateFunction in eu-west-1: User: u is not authorized to perform: iam:PassRole/)
    assert.match(denied.suggestion ?? '', /allows iam:PassRole on this function/)
    const conflict = lambdaFailure(sdkError('ResourceConflictException', 'The operation cannot be performed at this time.'), 'lambda:UpdateFunctionCode', {})
    assert.ok(isResourceConflict(conflict))
    assert.ok(!isResourceConflict(denied))
  })

  it('a function that is not there says how to deploy or name it', () => {
    const error = lambdaFailure(sdkError('ResourceNotFoundException', 'Function not found: arn:aws:lambda:eu-west-1:1:function:fn'), 'lambda:InvokeFunction', {region: 'eu-west-1'})
    assert.equal(error.message, 'Function not found: arn:aws:lambda:eu-west-1:1:function:fn')
    assert.match(error.suggestion ?? '', /limg deploy.*--function/)
  })

  it('IAM\'s AccessDenied (its query protocol\'s name) and an unreachable endpoint', () => {
    assert.match(asAwsError(sdkError('AccessDenied', 'no'), 'iam:CreateRole', undefined, IAM_SERVICE).message, /^Not allowed to call iam:CreateRole: no$/)
    const down = asAwsError(sdkError('Error', 'connect ECONNREFUSED', {code: 'ECONNREFUSED'}), 'iam:GetRole', undefined, IAM_SERVICE)
    assert.equal(down.message, 'Cannot reach AWS IAM (ECONNREFUSED).')
    assert.match(down.suggestion ?? '', /AWS_ENDPOINT_URL_IAM/)
  })
})
