export interface RoleInfo {
  name: string
  arn: string
  /** Its trust policy lets lambda.amazonaws.com assume it. */
  trustsLambda: boolean
}

/**
 * The IAM calls limg makes, so a fake can stand in for the SDK in unit tests. A missing role is
 * a value. There is no way to attach an arbitrary policy: the one policy limg ever attaches is
 * AWSLambdaBasicExecutionRole, and the one trust it ever writes is lambda.amazonaws.com's.
 */
export interface IamApi {
  getRole(name: string): Promise<RoleInfo | undefined>
  /** Creates a role that only lambda.amazonaws.com may assume; `undefined` when the name is taken already. */
  createLambdaRole(name: string, options: {description: string; tags: Record<string, string>}): Promise<RoleInfo | undefined>
  /** Attaches AWSLambdaBasicExecutionRole (writing the function's log to CloudWatch Logs), and nothing else. */
  attachBasicExecutionPolicy(roleName: string, partition: string): Promise<void>
  attachedPolicyArns(roleName: string): Promise<string[]>
}
