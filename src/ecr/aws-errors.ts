import {RegistryError} from '../errors/index.js'

const CREDENTIAL_FIX = 'Configure credentials with `aws configure`, sign in with `aws sso login`, or set AWS_PROFILE (or --profile) to a profile that has them.'

const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'TokenRefreshRequired'])
const REJECTED = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'IncompleteSignature'])
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'])

/**
 * Turns what the SDK throws for an ECR call into a RegistryError saying how to fix it. `action`
 * is the IAM action (`ecr:CreateRepository`) for access-denied messages.
 */
export function asRegistryError(error: unknown, action: string, region: string | undefined): RegistryError {
  if (error instanceof RegistryError) return error
  const e = error as {name?: string; message?: string; code?: string; $metadata?: {httpStatusCode?: number}} | undefined
  const name = e?.name ?? ''
  const message = (e?.message ?? String(error)).split('\n')[0]
  const where = region ? ` in ${region}` : ''
  if (EXPIRED.has(name) || /sso session .*expired|token .*expired|expired.*token/i.test(message)) {
    return new RegistryError(
      `Your AWS session has expired (${name || 'expired token'}).`,
      'Sign in again with `aws sso login` (or refresh your temporary credentials), then push again.',
      {cause: error},
    )
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new RegistryError('No AWS credentials found.', CREDENTIAL_FIX, {cause: error})
  }
  if (REJECTED.has(name)) {
    return new RegistryError(
      `AWS rejected the credentials (${name}): ${message}`,
      `Check the access key and secret for this profile (\`aws configure list\`), or use another profile with --profile. ${CREDENTIAL_FIX}`,
      {cause: error},
    )
  }
  if (name === 'AccessDeniedException') {
    return new RegistryError(
      `Not allowed to call ${action}${where}: ${message}`,
      `Ask for an IAM policy that allows ${action} on this repository, or use a profile that has it (--profile).`,
      {cause: error},
    )
  }
  if (/region is missing/i.test(message)) return missingRegion(error)
  if (e?.code && UNREACHABLE.has(e.code)) {
    return new RegistryError(
      `Cannot reach Amazon ECR${where} (${e.code}).`,
      'Check your network or proxy, and AWS_ENDPOINT_URL_ECR / endpoint_url if you set one.',
      {cause: error},
    )
  }
  return new RegistryError(`${action} failed${where}: ${name ? `${name}: ` : ''}${message}`, 'Check the message above; run again with LIMG_DEBUG=1 for details.', {
    cause: error,
  })
}

export function missingRegion(cause?: unknown): RegistryError {
  return new RegistryError(
    'No AWS region is set.',
    'Pass --region, set AWS_REGION, or set `region` for your profile in ~/.aws/config (`aws configure`).',
    {cause},
  )
}
