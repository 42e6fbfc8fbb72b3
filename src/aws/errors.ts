import {AwsError, RegistryError} from '../errors/index.js'

const CREDENTIAL_FIX = 'Configure credentials with `aws configure`, sign in with `aws sso login`, or set AWS_PROFILE (or --profile) to a profile that has them.'

const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'TokenRefreshRequired'])
const REJECTED = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'IncompleteSignature'])
// IAM's query protocol names it AccessDenied; the JSON services AccessDeniedException.
const DENIED = new Set(['AccessDeniedException', 'AccessDenied'])
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'])

/** An AWS service as messages name it, and the variable that points the SDK elsewhere for it. */
export interface AwsService {
  name: string
  endpointVariable: string
  /** What an IAM policy would have to allow the action on, for access-denied messages. */
  resource: string
  /** What to do once the cause is fixed. */
  retry: string
}

export const ECR_SERVICE: AwsService = {name: 'Amazon ECR', endpointVariable: 'AWS_ENDPOINT_URL_ECR', resource: 'this repository', retry: 'push again'}

/** What went wrong with an AWS call, said so that the user can fix it. */
export interface AwsFailure {
  message: string
  suggestion: string
  /** AWS's exception name, when the SDK gave one. */
  awsCode?: string
}

/**
 * Says what the SDK's failure of `action` (the IAM action, `lambda:CreateFunction`) means and
 * how to fix it: expired sessions, missing or rejected credentials, access denied, no region,
 * an unreachable endpoint; anything else as AWS's own name and first line.
 */
export function describeAwsFailure(error: unknown, action: string, region: string | undefined, service: AwsService): AwsFailure {
  const e = error as {name?: string; message?: string; code?: string; $metadata?: {httpStatusCode?: number}} | undefined
  const name = e?.name ?? ''
  const message = (e?.message ?? String(error)).split('\n')[0]
  const where = region ? ` in ${region}` : ''
  const awsCode = name && name !== 'Error' ? {awsCode: name} : {}
  if (EXPIRED.has(name) || /sso session .*expired|token .*expired|expired.*token/i.test(message)) {
    return {
      message: `Your AWS session has expired (${name || 'expired token'}).`,
      suggestion: `Sign in again with \`aws sso login\` (or refresh your temporary credentials), then ${service.retry}.`,
      ...awsCode,
    }
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return {message: 'No AWS credentials found.', suggestion: CREDENTIAL_FIX, ...awsCode}
  }
  if (REJECTED.has(name)) {
    return {
      message: `AWS rejected the credentials (${name}): ${message}`,
      suggestion: `Check the access key and secret for this profile (\`aws configure list\`), or use another profile with --profile. ${CREDENTIAL_FIX}`,
      ...awsCode,
    }
  }
  if (DENIED.has(name)) {
    // AWS names the action it denied, which may be another than the call's (iam:PassRole for lambda:CreateFunction).
    const denied = /perform: ([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1] ?? action
    return {
      message: `Not allowed to call ${action}${where}: ${message}`,
      suggestion: `Ask for an IAM policy that allows ${denied} on ${service.resource}, or use a profile that has it (--profile).`,
      ...awsCode,
    }
  }
  if (/region is missing/i.test(message)) {
    const missing = missingRegion(error)
    return {message: missing.message, suggestion: missing.suggestion ?? '', ...awsCode}
  }
  if (e?.code && UNREACHABLE.has(e.code)) {
    return {
      message: `Cannot reach ${service.name}${where} (${e.code}).`,
      suggestion: `Check your network or proxy, and ${service.endpointVariable} / endpoint_url if you set one.`,
      ...awsCode,
    }
  }
  return {message: `${action} failed${where}: ${name ? `${name}: ` : ''}${message}`, suggestion: 'Check the message above; run again with LIMG_DEBUG=1 for details.', ...awsCode}
}

/**
 * Turns what the SDK throws for an ECR call into a RegistryError saying how to fix it. `action`
 * is the IAM action (`ecr:CreateRepository`) for access-denied messages.
 */
export function asRegistryError(error: unknown, action: string, region: string | undefined): RegistryError {
  if (error instanceof RegistryError) return error
  const failure = describeAwsFailure(error, action, region, ECR_SERVICE)
  return new RegistryError(failure.message, failure.suggestion, {cause: error})
}

/** The same for Lambda, IAM and CloudWatch Logs: an AwsError (exit 5) that keeps AWS's exception name. */
export function asAwsError(error: unknown, action: string, region: string | undefined, service: AwsService): AwsError {
  if (error instanceof AwsError) return error
  const failure = describeAwsFailure(error, action, region, service)
  return new AwsError(failure.message, failure.suggestion, {cause: error, ...(failure.awsCode ? {awsCode: failure.awsCode} : {})})
}

export function missingRegion(cause?: unknown): RegistryError {
  return new RegistryError(
    'No AWS region is set.',
    'Pass --region, set AWS_REGION, or set `region` for your profile in ~/.aws/config (`aws configure`).',
    {cause},
  )
}
