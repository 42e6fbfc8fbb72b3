import {AwsError, BuildFailedError, LimgError} from '../errors/index.js'
import {type AwsService, asAwsError} from '../aws/errors.js'

export const LAMBDA_SERVICE: AwsService = {name: 'AWS Lambda', endpointVariable: 'AWS_ENDPOINT_URL_LAMBDA', resource: 'this function', retry: 'run the command again'}

// Lambda's answers, as it words them (InvalidParameterValueException in each case).
const ROLE_NOT_ASSUMABLE = /cannot be assumed by Lambda/i
const MEDIA_TYPE_REFUSED = /media type for the source image .* is not supported/i
const SOURCE_IMAGE_INVALID = /Source image .* (is not valid|does not exist)|Image repository must be in the same account/i

/** What limg knows about the call, for the message. */
export interface LambdaCallContext {
  region?: string
  imageUri?: string
  role?: string
}

/**
 * Turns what the SDK throws for a Lambda call into one line that says what to do: Lambda's
 * refusals of a role it cannot assume (yet), of an image index or another media type, of an
 * image from another region or account; otherwise as for any AWS call. AWS's exception name
 * stays in `awsCode`, so callers can still retry on it.
 */
export function lambdaFailure(error: unknown, action: string, context: LambdaCallContext): LimgError {
  if (error instanceof LimgError) return error
  const name = (error as {name?: string}).name ?? ''
  const message = ((error as {message?: string}).message ?? '').split('\n')[0]
  const region = context.region
  if (name === 'InvalidParameterValueException' && ROLE_NOT_ASSUMABLE.test(message)) {
    return new AwsError(
      `Lambda cannot assume the execution role${context.role ? ` ${context.role}` : ''}: ${message}`,
      'A role IAM has just created takes a few seconds to reach Lambda: run the command again. Otherwise the role\'s trust policy must allow lambda.amazonaws.com to sts:AssumeRole (limg deploy --create-role makes such a role).',
      {cause: error, awsCode: name},
    )
  }
  if (name === 'InvalidParameterValueException' && MEDIA_TYPE_REFUSED.test(message)) {
    return new BuildFailedError(
      `Lambda refuses the image${context.imageUri ? ` ${context.imageUri}` : ''}: ${message} An image index (such as the attestation index docker buildx adds) is not a single-platform image.`,
      'Build it with `limg build` (one architecture, no index), or with `docker buildx build --provenance=false --sbom=false --platform linux/<arch>`, then deploy again.',
      {cause: error},
    )
  }
  if (name === 'InvalidParameterValueException' && SOURCE_IMAGE_INVALID.test(message)) {
    return new AwsError(
      `Lambda cannot use the image${context.imageUri ? ` ${context.imageUri}` : ''}: ${message}`,
      `The image must be in an ECR repository of the function's account and region${region ? ` (${region})` : ''}, and still be there: push it there (\`limg push${region ? ` --region ${region}` : ''}\`) and deploy again.`,
      {cause: error, awsCode: name},
    )
  }
  if (name === 'ResourceNotFoundException') {
    // Lambda's message names the function's ARN, region included.
    return new AwsError(
      message,
      'Deploy it with `limg deploy`, or name the deployed function with --function (and its version or alias with --qualifier, its region with --region).',
      {cause: error, awsCode: name},
    )
  }
  return asAwsError(error, action, region, LAMBDA_SERVICE)
}

/** Lambda answered that another update of the function is still in progress. */
export function isResourceConflict(error: unknown): boolean {
  return error instanceof AwsError && error.awsCode === 'ResourceConflictException'
}

/** Lambda cannot assume the role: right after IAM created it, that passes within seconds. */
export function isRoleNotAssumable(error: unknown): boolean {
  return error instanceof AwsError && error.awsCode === 'InvalidParameterValueException' && ROLE_NOT_ASSUMABLE.test(error.message)
}
