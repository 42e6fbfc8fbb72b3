import trustPolicy from './lambda-trust-policy.json' with {type: 'json'}

/** The trust policy of a role limg creates: Lambda, and only Lambda, may assume it. */
export const LAMBDA_TRUST_POLICY = JSON.stringify(trustPolicy)

/**
 * AWS's managed policy for a function's log and nothing more (logs:CreateLogGroup,
 * logs:CreateLogStream, logs:PutLogEvents), the one AWS's guide attaches by hand.
 */
export function basicExecutionPolicyArn(partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`
}

/** `arn:aws-cn:iam::123:role/x` -> `aws-cn`. */
export function partitionOf(arn: string): string {
  return /^arn:([^:]+):/.exec(arn)?.[1] ?? 'aws'
}

/** Whether a trust policy document (as IAM returns it, URL-encoded) lets lambda.amazonaws.com assume the role. */
export function trustsLambda(document: string | undefined): boolean {
  if (!document) return false
  let policy: {Statement?: unknown}
  try {
    policy = JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document)) as {Statement?: unknown}
  } catch {
    return false
  }
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]
  return statements.some((raw) => {
    const s = raw as {Effect?: string; Action?: unknown; Principal?: {Service?: unknown}} | undefined
    if (s?.Effect !== 'Allow') return false
    const actions = ([] as unknown[]).concat(s.Action ?? [])
    const services = ([] as unknown[]).concat(s.Principal?.Service ?? [])
    return actions.some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*') && services.includes('lambda.amazonaws.com')
  })
}
