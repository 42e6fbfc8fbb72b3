import type {Architecture} from '../../../src/catalog/runtimes.js'
import type {DeployDependencies, DeployRequest} from '../../../src/deploy/deploy.js'
import type {ImageInfo} from '../../../src/docker/images.js'
import {AwsError} from '../../../src/errors/index.js'
import type {IamApi, RoleInfo} from '../../../src/iam/iam-api.js'
import {basicExecutionPolicyArn} from '../../../src/iam/policies.js'
import type {AliasInfo, CreateFunctionRequest, FunctionSettings, FunctionStatus, InvokeAnswer, LambdaApi, RemoteFunction} from '../../../src/lambda/lambda-api.js'
import type {PushResult} from '../../../src/push/push-to-ecr.js'

export const REGION = 'eu-west-1'
export const DIGEST = `sha256:${'cd'.repeat(32)}`
export const IMAGE_URI = `123456789012.dkr.ecr.${REGION}.amazonaws.com/fn@${DIGEST}`

interface Fn {
  status: FunctionStatus
  imageUri: string
  tags: Record<string, string>
  /** Reads left before a Pending or InProgress function settles; then `settle` applies. */
  readsLeft: number
  settle?: Partial<FunctionStatus>
  versions: FunctionStatus[]
  aliases: Map<string, AliasInfo>
}

/** Lambda in memory, with the documented states: Pending/InProgress for `reads` reads, then Active/Successful. */
export class FakeLambda implements LambdaApi {
  readonly functions = new Map<string, Fn>()
  readonly calls: string[] = []
  /** Errors to throw, by method, in order. */
  readonly throws = new Map<string, Error[]>()
  reads = 2
  /** What the function settles to after its next change, instead of Active/Successful. */
  nextOutcome: Partial<FunctionStatus> | undefined

  async region() {
    return REGION
  }

  private fail(method: string): void {
    this.calls.push(method)
    const error = this.throws.get(method)?.shift()
    if (error) throw error
  }

  private status(name: string, settings: FunctionSettings, architecture: Architecture, extra: Partial<FunctionStatus>): FunctionStatus {
    return {functionName: name, functionArn: `arn:aws:lambda:${REGION}:123456789012:function:${name}`, version: '$LATEST', architectures: [architecture], settings, packageType: 'Image', codeSha256: 'aa', revisionId: 'r1', ...extra}
  }

  add(name: string, imageUri: string, settings: FunctionSettings, extra: Partial<FunctionStatus> = {}, architecture: Architecture = 'x86_64'): void {
    this.functions.set(name, {status: this.status(name, settings, architecture, {state: 'Active', lastUpdateStatus: 'Successful', ...extra}), imageUri, tags: {}, readsLeft: 0, versions: [], aliases: new Map()})
  }

  async getFunction(name: string): Promise<RemoteFunction | undefined> {
    this.calls.push('getFunction')
    const fn = this.functions.get(name)
    return fn ? {status: {...fn.status}, imageUri: fn.imageUri, resolvedImageUri: fn.imageUri, tags: {...fn.tags}} : undefined
  }

  async getFunctionConfiguration(name: string, qualifier?: string): Promise<FunctionStatus | undefined> {
    this.fail('getFunctionConfiguration')
    const fn = this.functions.get(name)
    if (!fn) return undefined
    if (qualifier) return fn.versions.find((v) => v.version === qualifier)
    if (fn.settle) {
      fn.readsLeft -= 1
      if (fn.readsLeft <= 0) {
        fn.status = {...fn.status, ...fn.settle}
        fn.settle = undefined
      }
    }
    return {...fn.status}
  }

  private change(fn: Fn, during: Partial<FunctionStatus>): void {
    if (fn.settle) throw new AwsError('An update is in progress', undefined, {awsCode: 'ResourceConflictException'})
    fn.status = {...fn.status, ...during}
    fn.readsLeft = this.reads
    fn.settle = this.nextOutcome ?? {state: 'Active', lastUpdateStatus: 'Successful'}
    this.nextOutcome = undefined
  }

  async createFunction(request: CreateFunctionRequest): Promise<FunctionStatus> {
    this.fail('createFunction')
    const fn: Fn = {status: this.status(request.name, request.settings, request.architecture, {}), imageUri: request.imageUri, tags: request.tags, readsLeft: 0, versions: [], aliases: new Map()}
    this.functions.set(request.name, fn)
    this.change(fn, {state: 'Pending', stateReason: 'The function is being created.'})
    return {...fn.status}
  }

  async updateFunctionCode(name: string, code: {imageUri: string; architecture: Architecture}): Promise<FunctionStatus> {
    this.fail('updateFunctionCode')
    const fn = this.functions.get(name)!
    this.change(fn, {lastUpdateStatus: 'InProgress', architectures: [code.architecture]})
    fn.imageUri = code.imageUri
    return {...fn.status}
  }

  async updateFunctionConfiguration(name: string, settings: FunctionSettings): Promise<FunctionStatus> {
    this.fail('updateFunctionConfiguration')
    const fn = this.functions.get(name)!
    this.change(fn, {lastUpdateStatus: 'InProgress', settings})
    return {...fn.status}
  }

  async tagResource(arn: string, tags: Record<string, string>): Promise<void> {
    this.fail('tagResource')
    const fn = [...this.functions.values()].find((f) => f.status.functionArn === arn)!
    Object.assign(fn.tags, tags)
  }

  async publishVersion(name: string): Promise<FunctionStatus> {
    this.fail('publishVersion')
    const fn = this.functions.get(name)!
    const version = String(fn.versions.length + 1)
    const status = {...fn.status, version, functionArn: `${fn.status.functionArn}:${version}`}
    fn.versions.push(status)
    return status
  }

  async getAlias(name: string, alias: string): Promise<AliasInfo | undefined> {
    this.calls.push('getAlias')
    return this.functions.get(name)!.aliases.get(alias)
  }

  async createAlias(name: string, alias: string, version: string): Promise<AliasInfo> {
    this.fail('createAlias')
    const info = {name: alias, aliasArn: `arn:aws:lambda:${REGION}:123456789012:function:${name}:${alias}`, functionVersion: version, revisionId: 'a1'}
    this.functions.get(name)!.aliases.set(alias, info)
    return info
  }

  async updateAlias(name: string, alias: string, version: string): Promise<AliasInfo> {
    this.fail('updateAlias')
    const info = {...this.functions.get(name)!.aliases.get(alias)!, functionVersion: version, revisionId: 'a2'}
    this.functions.get(name)!.aliases.set(alias, info)
    return info
  }

  async invoke(): Promise<InvokeAnswer> {
    throw new Error('not used')
  }
}

/** IAM in memory: roles by name; every policy attached is recorded, to check limg attaches one only. */
export class FakeIam implements IamApi {
  readonly roles = new Map<string, RoleInfo & {attached: string[]}>()
  readonly attachCalls: {role: string; policy: string}[] = []
  readonly calls: string[] = []
  /** GetRole misses for a role just created: IAM is eventually consistent. */
  missesAfterCreate = 0
  private misses = 0

  async getRole(name: string): Promise<RoleInfo | undefined> {
    this.calls.push('getRole')
    if (this.misses > 0) {
      this.misses -= 1
      return undefined
    }
    return this.roles.get(name)
  }

  async createLambdaRole(name: string): Promise<RoleInfo | undefined> {
    this.calls.push('createLambdaRole')
    if (this.roles.has(name)) return undefined
    const role = {name, arn: `arn:aws:iam::123456789012:role/${name}`, trustsLambda: true, attached: []}
    this.roles.set(name, role)
    this.misses = this.missesAfterCreate
    return role
  }

  async attachBasicExecutionPolicy(roleName: string, partition: string): Promise<void> {
    const policy = basicExecutionPolicyArn(partition)
    this.attachCalls.push({role: roleName, policy})
    this.roles.get(roleName)?.attached.push(policy)
  }

  async attachedPolicyArns(roleName: string): Promise<string[]> {
    return this.roles.get(roleName)?.attached ?? []
  }
}

export function image(overrides: Partial<ImageInfo> = {}): ImageInfo {
  return {id: `sha256:${'ab'.repeat(32)}`, architecture: 'amd64', os: 'linux', sizeBytes: 150e6, labels: {}, cmd: ['index.handler'], entrypoint: ['/lambda-entrypoint.sh'], env: [], workingDir: '/var/task', repoTags: ['fn:x86_64'], repoDigests: [], created: '', ...overrides}
}

export function pushed(overrides: Partial<PushResult> = {}): PushResult {
  return {
    imageUri: `123456789012.dkr.ecr.${REGION}.amazonaws.com/fn:x86_64-abababababab`,
    digestUri: IMAGE_URI,
    digest: DIGEST,
    repository: 'fn',
    registry: `123456789012.dkr.ecr.${REGION}.amazonaws.com`,
    region: REGION,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    architecture: 'amd64',
    tag: 'x86_64-abababababab',
    bytesUploaded: 10,
    layers: {pushed: 1, existing: 0},
    alreadyPushed: false,
    repositoryCreated: true,
    warnings: [],
    ...overrides,
  }
}

export interface World {
  lambda: FakeLambda
  iam: FakeIam
  pushes: number
  deps: DeployDependencies
  /** The virtual clock the sleeps advance. */
  clock: {now: number}
  sleeps: number[]
}

export function world(options: {image?: ImageInfo; push?: PushResult} = {}): World {
  const lambda = new FakeLambda()
  const iam = new FakeIam()
  const clock = {now: 1_000_000}
  const sleeps: number[] = []
  const w: World = {
    lambda,
    iam,
    pushes: 0,
    clock,
    sleeps,
    deps: {
      images: {inspect: async () => options.image ?? image()},
      lambda,
      iam,
      push: async () => {
        w.pushes += 1
        return options.push ?? pushed()
      },
      now: () => clock.now,
      sleep: async (ms, signal) => {
        sleeps.push(ms)
        clock.now += ms
        void signal
      },
    },
  }
  return w
}

export function request(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    functionName: 'fn',
    image: 'fn:x86_64',
    imageExplicit: false,
    arch: 'x86_64',
    settings: {memoryMb: 128, timeoutSeconds: 3, environment: {}, ephemeralStorageMb: 512, description: ''},
    tags: {},
    createRole: true,
    publish: false,
    ...overrides,
  }
}
