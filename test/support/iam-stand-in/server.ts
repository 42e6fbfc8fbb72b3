import {randomBytes, randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'
import type {SigningIdentity} from '../ecr-stand-in/sigv4.js'
import {HttpStandIn, type InjectedFailure, type StandInRequest} from '../stand-in-http.js'

const XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/'

/** AWS managed policies a test may attach; any other ARN is NoSuchEntity, as IAM answers it. */
const MANAGED_POLICIES: Record<string, string> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': 'AWSLambdaBasicExecutionRole',
  'arn:aws:iam::aws:policy/AdministratorAccess': 'AdministratorAccess',
}

export interface StandInRole {
  RoleName: string
  RoleId: string
  Arn: string
  Path: string
  CreateDate: string
  AssumeRolePolicyDocument: string
  Description?: string
  tags: Record<string, string>
  attached: string[]
  /** GetRole calls still to answer NoSuchEntity: IAM is eventually consistent after CreateRole. */
  getRoleMisses: number
  /** CreateFunction calls Lambda still refuses with this role: a new role takes seconds to reach Lambda. */
  lambdaRefusals: number
}

export interface IamStandInOptions {
  identity: Omit<SigningIdentity, 'service'>
  accountId?: string
  /** For each role CreateRole makes: how many GetRole calls miss it first (default 1). */
  getRoleMisses?: number
  /** For each role CreateRole makes: how many CreateFunction calls Lambda refuses it first (default 2). */
  lambdaRefusals?: number
}

/**
 * AWS IAM's query protocol (form-encoded POST, XML answers) for the calls limg makes, over real
 * HTTP with every request's SigV4 signature checked. Follows IAM's eventual consistency: a new
 * role is missing from GetRole at first, and Lambda cannot assume it for a few attempts.
 */
export class IamStandIn extends HttpStandIn {
  readonly roles = new Map<string, StandInRole>()
  readonly accountId: string

  constructor(private readonly options: IamStandInOptions) {
    super({...options.identity, service: 'iam'})
    this.accountId = options.accountId ?? '123456789012'
  }

  /** A role made outside limg (by "the console"), visible at once. */
  addRole(name: string, trust: 'lambda' | 'ec2', attached: string[] = []): StandInRole {
    const service = trust === 'lambda' ? 'lambda.amazonaws.com' : 'ec2.amazonaws.com'
    const document = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: service}, Action: 'sts:AssumeRole'}]})
    const role = this.makeRole(name, document, undefined, {}, 0, 0)
    role.attached.push(...attached)
    return role
  }

  /**
   * Whether Lambda may assume the role now: it exists, trusts lambda.amazonaws.com, and has
   * reached Lambda. Each call for a role that has not yet counts as one refused attempt.
   */
  lambdaCanAssume(arn: string): boolean {
    const role = [...this.roles.values()].find((r) => r.Arn === arn)
    if (!role || !trustsLambda(role.AssumeRolePolicyDocument)) return false
    if (role.lambdaRefusals > 0) {
      role.lambdaRefusals -= 1
      return false
    }
    return true
  }

  /** Whether the role may write the function's log: AWSLambdaBasicExecutionRole is attached. */
  allowsLogs(arn: string): boolean {
    const role = [...this.roles.values()].find((r) => r.Arn === arn)
    return role?.attached.some((p) => p.endsWith(':policy/service-role/AWSLambdaBasicExecutionRole')) ?? false
  }

  protected operationOf(request: StandInRequest): string {
    return new URLSearchParams(request.body.toString('utf8')).get('Action') ?? ''
  }

  protected async handle(operation: string, request: StandInRequest, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(request.body.toString('utf8'))
    const params = Object.fromEntries(form.entries())
    if (request.method !== 'POST' || form.get('Version') !== '2010-05-08') return this.fail(res, operation, params, 400, 'InvalidAction', 'Could not find operation for this version.')
    const name = form.get('RoleName') ?? ''
    const role = this.roles.get(name)
    switch (operation) {
      case 'CreateRole': {
        if (this.roles.has(name)) return this.fail(res, operation, params, 409, 'EntityAlreadyExists', `Role with name ${name} already exists.`)
        if (!/^[\w+=,.@-]{1,64}$/.test(name)) return this.fail(res, operation, params, 400, 'ValidationError', `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint`)
        const document = form.get('AssumeRolePolicyDocument') ?? ''
        try {
          JSON.parse(document)
        } catch {
          return this.fail(res, operation, params, 400, 'MalformedPolicyDocument', 'This policy contains invalid Json')
        }
        const tags: Record<string, string> = {}
        for (let i = 1; form.has(`Tags.member.${i}.Key`); i++) tags[form.get(`Tags.member.${i}.Key`)!] = form.get(`Tags.member.${i}.Value`) ?? ''
        const created = this.makeRole(name, document, form.get('Description') ?? undefined, tags, this.options.getRoleMisses ?? 1, this.options.lambdaRefusals ?? 2)
        return this.ok(res, operation, params, `<Role>${roleXml(created)}</Role>`)
      }
      case 'GetRole': {
        if (!role || role.getRoleMisses > 0) {
          if (role) role.getRoleMisses -= 1
          return this.fail(res, operation, params, 404, 'NoSuchEntity', `The role with name ${name} cannot be found.`)
        }
        return this.ok(res, operation, params, `<Role>${roleXml(role)}</Role>`)
      }
      case 'AttachRolePolicy': {
        const policy = form.get('PolicyArn') ?? ''
        if (!role) return this.fail(res, operation, params, 404, 'NoSuchEntity', `The role with name ${name} cannot be found.`)
        if (!MANAGED_POLICIES[policy]) return this.fail(res, operation, params, 404, 'NoSuchEntity', `Policy ${policy} does not exist or is not attachable.`)
        if (!role.attached.includes(policy)) role.attached.push(policy)
        return this.ok(res, operation, params, '')
      }
      case 'ListAttachedRolePolicies': {
        if (!role) return this.fail(res, operation, params, 404, 'NoSuchEntity', `The role with name ${name} cannot be found.`)
        const members = role.attached.map((arn) => `<member><PolicyName>${MANAGED_POLICIES[arn] ?? arn.split('/').pop()}</PolicyName><PolicyArn>${arn}</PolicyArn></member>`).join('')
        return this.ok(res, operation, params, `<IsTruncated>false</IsTruncated><AttachedPolicies>${members}</AttachedPolicies>`)
      }
      default:
        return this.fail(res, operation, params, 400, 'InvalidAction', `The stand-in does not implement ${operation}.`)
    }
  }

  protected answerError(res: ServerResponse, _operation: string, failure: InjectedFailure): void {
    // The query protocol's names for what the JSON services call these.
    const code = {InvalidSignatureException: 'SignatureDoesNotMatch', UnrecognizedClientException: 'InvalidClientTokenId'}[failure.type] ?? failure.type
    sendXml(res, failure.status ?? 400, errorXml(code, failure.message))
  }

  private makeRole(name: string, document: string, description: string | undefined, tags: Record<string, string>, getRoleMisses: number, lambdaRefusals: number): StandInRole {
    const role: StandInRole = {
      RoleName: name,
      RoleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}`,
      Arn: `arn:aws:iam::${this.accountId}:role/${name}`,
      Path: '/',
      CreateDate: new Date().toISOString(),
      AssumeRolePolicyDocument: document,
      ...(description ? {Description: description} : {}),
      tags,
      attached: [],
      getRoleMisses,
      lambdaRefusals,
    }
    this.roles.set(name, role)
    return role
  }

  private ok(res: ServerResponse, operation: string, params: Record<string, unknown>, result: string): void {
    this.record(operation, params, 200)
    sendXml(
      res,
      200,
      `<${operation}Response xmlns="${XMLNS}"><${operation}Result>${result}</${operation}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`,
    )
  }

  private fail(res: ServerResponse, operation: string, params: Record<string, unknown>, status: number, code: string, message: string): void {
    this.record(operation, params, status)
    sendXml(res, status, errorXml(code, message))
  }
}

export function trustsLambda(document: string): boolean {
  try {
    const policy = JSON.parse(document) as {Statement?: {Effect?: string; Principal?: {Service?: string | string[]}; Action?: string | string[]}[]}
    return (policy.Statement ?? []).some(
      (s) => s.Effect === 'Allow' && ([] as string[]).concat(s.Principal?.Service ?? []).includes('lambda.amazonaws.com') && ([] as string[]).concat(s.Action ?? []).includes('sts:AssumeRole'),
    )
  } catch {
    return false
  }
}

function roleXml(role: StandInRole): string {
  const tags = Object.entries(role.tags)
    .map(([k, v]) => `<member><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></member>`)
    .join('')
  return [
    `<Path>${role.Path}</Path>`,
    // IAM returns the trust policy URL-encoded (RFC 3986).
    `<AssumeRolePolicyDocument>${encodeURIComponent(role.AssumeRolePolicyDocument)}</AssumeRolePolicyDocument>`,
    `<RoleName>${escapeXml(role.RoleName)}</RoleName>`,
    `<RoleId>${role.RoleId}</RoleId>`,
    `<Arn>${escapeXml(role.Arn)}</Arn>`,
    `<CreateDate>${role.CreateDate}</CreateDate>`,
    role.Description ? `<Description>${escapeXml(role.Description)}</Description>` : '',
    tags ? `<Tags>${tags}</Tags>` : '',
  ].join('')
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
}

function sendXml(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {'content-type': 'text/xml', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID()})
  res.end(text)
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
