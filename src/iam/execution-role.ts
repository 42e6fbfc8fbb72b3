import {createHash} from 'node:crypto'
import {AwsError, InvalidInputError} from '../errors/index.js'
import type {IamApi, RoleInfo} from './iam-api.js'
import {basicExecutionPolicyArn, partitionOf} from './policies.js'
import {throwIfAborted} from '../util/abort.js'

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/

/** The role limg makes for a function that has none: `limg-<function>`, within IAM's 64 characters. */
export function defaultRoleName(functionName: string): string {
  const name = `limg-${functionName}`
  if (name.length <= 64) return name
  return `limg-${functionName.slice(0, 50)}-${createHash('sha256').update(functionName).digest('hex').slice(0, 8)}`
}

/** What limg would create, for the question on a terminal and for messages. */
export interface RolePlan {
  roleName: string
  functionName: string
  policyArn: string
}

export type RoleEvent = {type: 'role'; message: string}

export interface RoleRequest {
  functionName: string
  /** `--role` or limg.json `role`: an ARN, or the name of a role in the account. */
  role?: string
  /** `--create-role`: create the role when there is none. */
  create: boolean
  /** Asks, on a terminal, whether to create the role; absent elsewhere. */
  confirm?: (plan: RolePlan) => Promise<boolean>
  signal?: AbortSignal
}

export interface ResolvedRole {
  roleArn: string
  roleName?: string
  created: boolean
}

export interface RoleDependencies {
  iam: IamApi
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** IAM is eventually consistent: a role just created can be missing from GetRole for a few seconds. */
const VISIBLE_DELAYS_MS = [250, 500, 1000, 2000, 2000, 2000, 2000, 2000, 2000, 2000]

/**
 * The function's execution role: the one named (an ARN is taken as it is, a name is looked up),
 * else the role limg made for the function before, else a new one, with `--create-role` or a yes
 * on the terminal: trusted by lambda.amazonaws.com, with AWSLambdaBasicExecutionRole attached
 * and nothing else, as AWS's guide does by hand. Without either, a one-line error saying how.
 */
export async function resolveExecutionRole(deps: RoleDependencies, request: RoleRequest, emit: (event: RoleEvent) => void = () => {}): Promise<ResolvedRole> {
  if (request.role !== undefined) return namedRole(deps.iam, request.role)
  const plan: RolePlan = {roleName: defaultRoleName(request.functionName), functionName: request.functionName, policyArn: basicExecutionPolicyArn()}
  const existing = await deps.iam.getRole(plan.roleName)
  if (existing) {
    checkTrust(existing)
    if (request.create) await ensureBasicPolicy(deps.iam, existing)
    emit({type: 'role', message: `Using the execution role ${existing.arn}`})
    return {roleArn: existing.arn, roleName: existing.name, created: false}
  }
  const create = request.create || (request.confirm ? await request.confirm(plan) : false)
  if (!create) {
    throw new InvalidInputError(
      `The function ${request.functionName} needs an execution role, and none is named.`,
      `Pass --role ARN, set "role" in limg.json, or run with --create-role to let limg create ${plan.roleName} (trusted by lambda.amazonaws.com, with only AWSLambdaBasicExecutionRole attached, so the function can write its log).`,
    )
  }
  emit({type: 'role', message: `Creating the execution role ${plan.roleName} (trusted by lambda.amazonaws.com, AWSLambdaBasicExecutionRole attached)`})
  const created = await deps.iam.createLambdaRole(plan.roleName, {
    description: `Execution role of the Lambda function ${request.functionName}, made by limg deploy: AWSLambdaBasicExecutionRole only.`,
    tags: {'limg:function': request.functionName},
  })
  // Another deploy made it between our look-up and our create: use theirs, as if found.
  const role = created ?? (await waitUntilVisible(deps, plan.roleName, request.signal))
  checkTrust(role)
  await deps.iam.attachBasicExecutionPolicy(role.name, partitionOf(role.arn))
  await waitUntilVisible(deps, role.name, request.signal)
  return {roleArn: role.arn, roleName: role.name, created: created !== undefined}
}

async function namedRole(iam: IamApi, role: string): Promise<ResolvedRole> {
  // An ARN is used as given: limg needs no IAM permission to deploy with a role someone else made.
  if (ROLE_ARN.test(role)) return {roleArn: role, created: false}
  if (!ROLE_NAME.test(role)) {
    throw new InvalidInputError(`"${role}" is neither a role ARN (arn:aws:iam::<account>:role/<name>) nor a role name.`, 'Pass the role\'s ARN with --role, or set "role" in limg.json.')
  }
  const found = await iam.getRole(role)
  if (!found) throw new InvalidInputError(`There is no IAM role named ${role}.`, 'Check the name (`aws iam list-roles`), pass the role\'s ARN, or leave the role out and use --create-role.')
  checkTrust(found)
  return {roleArn: found.arn, roleName: found.name, created: false}
}

function checkTrust(role: RoleInfo): void {
  if (role.trustsLambda) return
  throw new InvalidInputError(
    `The role ${role.arn} does not let lambda.amazonaws.com assume it, so Lambda cannot run the function with it.`,
    'Add lambda.amazonaws.com to its trust policy (sts:AssumeRole), or name another role with --role.',
  )
}

async function ensureBasicPolicy(iam: IamApi, role: RoleInfo): Promise<void> {
  const policy = basicExecutionPolicyArn(partitionOf(role.arn))
  if (!(await iam.attachedPolicyArns(role.name)).includes(policy)) await iam.attachBasicExecutionPolicy(role.name, partitionOf(role.arn))
}

async function waitUntilVisible(deps: RoleDependencies, name: string, signal?: AbortSignal): Promise<RoleInfo> {
  for (const delay of [0, ...VISIBLE_DELAYS_MS]) {
    if (delay > 0) await deps.sleep(delay, signal)
    throwIfAborted(signal)
    const role = await deps.iam.getRole(name)
    if (role) return role
  }
  throw new AwsError(`IAM does not show the role ${name} that was just created.`, 'IAM can take a while to show a new role: wait a minute and run limg deploy again.')
}
