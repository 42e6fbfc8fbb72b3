import {AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, type Role} from '@aws-sdk/client-iam'
import {type AwsClientOptions, sdkClientConfig} from '../aws/client-settings.js'
import {AwsError} from '../errors/index.js'
import {type AwsService, asAwsError} from '../aws/errors.js'
import type {IamApi, RoleInfo} from './iam-api.js'
import {LAMBDA_TRUST_POLICY, basicExecutionPolicyArn, trustsLambda} from './policies.js'

export const IAM_SERVICE: AwsService = {name: 'AWS IAM', endpointVariable: 'AWS_ENDPOINT_URL_IAM', resource: 'this role', retry: 'run the command again'}

/** IAM through the AWS SDK; credentials and endpoint (AWS_ENDPOINT_URL_IAM) from the default chain. */
export class SdkIamApi implements IamApi {
  private readonly client: IAMClient

  constructor(options: AwsClientOptions = {}) {
    // IAM is global: the region only picks the partition's endpoint, and messages name none.
    this.client = new IAMClient(sdkClientConfig(options))
  }

  async getRole(name: string): Promise<RoleInfo | undefined> {
    try {
      const out = await this.client.send(new GetRoleCommand({RoleName: name}))
      return out.Role ? toRole(out.Role) : undefined
    } catch (error) {
      if ((error as Error).name === 'NoSuchEntityException') return undefined
      throw this.failure(error, 'iam:GetRole')
    }
  }

  async createLambdaRole(name: string, options: {description: string; tags: Record<string, string>}): Promise<RoleInfo | undefined> {
    try {
      const out = await this.client.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
          Description: options.description,
          Tags: Object.entries(options.tags).map(([Key, Value]) => ({Key, Value})),
        }),
      )
      if (!out.Role) throw new AwsError(`IAM did not return the role ${name} it created.`)
      return toRole(out.Role)
    } catch (error) {
      if ((error as Error).name === 'EntityAlreadyExistsException') return undefined
      throw this.failure(error, 'iam:CreateRole')
    }
  }

  async attachBasicExecutionPolicy(roleName: string, partition: string): Promise<void> {
    try {
      await this.client.send(new AttachRolePolicyCommand({RoleName: roleName, PolicyArn: basicExecutionPolicyArn(partition)}))
    } catch (error) {
      throw this.failure(error, 'iam:AttachRolePolicy')
    }
  }

  async attachedPolicyArns(roleName: string): Promise<string[]> {
    const arns: string[] = []
    let marker: string | undefined
    try {
      do {
        const out = await this.client.send(new ListAttachedRolePoliciesCommand({RoleName: roleName, ...(marker ? {Marker: marker} : {})}))
        for (const policy of out.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn)
        marker = out.IsTruncated ? out.Marker : undefined
      } while (marker)
    } catch (error) {
      throw this.failure(error, 'iam:ListAttachedRolePolicies')
    }
    return arns
  }

  private failure(error: unknown, action: string): AwsError {
    return asAwsError(error, action, undefined, IAM_SERVICE)
  }
}

function toRole(role: Role): RoleInfo {
  return {name: role.RoleName ?? '', arn: role.Arn ?? '', trustsLambda: trustsLambda(role.AssumeRolePolicyDocument)}
}
