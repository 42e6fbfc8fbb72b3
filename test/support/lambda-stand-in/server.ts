import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'
import type Docker from 'dockerode'
import type {SigningIdentity} from '../ecr-stand-in/sigv4.js'
import type {IamStandIn} from '../iam-stand-in/index.js'
import type {LogsStandIn} from '../logs-stand-in/index.js'
import {HttpStandIn, type InjectedFailure, type StandInRequest} from '../stand-in-http.js'
import {type StandInRegistry, imageArchitecture, lookUpImage, pullImage} from './images.js'
import {FunctionRuntime} from './runtime.js'

const RESERVED = new Set(['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR'])
const DOCKER_ARCH: Record<string, string> = {x86_64: 'amd64', arm64: 'arm64'}
const MAX_PAYLOAD = 6 * 1024 * 1024
const TEN_GIB = 10 * 1024 ** 3

/** A function's configuration as GetFunctionConfiguration returns it. */
export type Configuration = Record<string, unknown> & {
  FunctionName: string
  FunctionArn: string
  Version: string
  Architectures: string[]
  State?: string
  LastUpdateStatus?: string
}

interface Transition {
  kind: 'create' | 'code' | 'configuration'
  /** Reads of the function still to answer with the state in progress. */
  readsLeft: number
  /** Set when the work behind it has ended: what to apply, or why it failed. */
  outcome?: {ok: true; code?: Code} | {ok: false; code: string; reason: string}
}

interface Code {
  imageUri: string
  resolvedUri: string
  digest: string
  architecture: string
}

export interface StandInFunction {
  configuration: Configuration
  code: Code
  tags: Record<string, string>
  transition?: Transition
  versions: Map<string, {configuration: Configuration; code: Code}>
  aliases: Map<string, {AliasArn: string; Name: string; FunctionVersion: string; Description: string; RevisionId: string}>
  /** Changes with every code or configuration change: environments are per generation. */
  generation: number
}

export interface LambdaStandInOptions {
  identity: Omit<SigningIdentity, 'service'>
  accountId?: string
  iam: IamStandIn
  logs: LogsStandIn
  /** The registry ECR's stand-in hands out, which functions' images come from. */
  registry: StandInRegistry
  docker: Docker
  /** On every container the stand-in starts (limg.test, for the sweep). */
  labels: Record<string, string>
  /** How many reads of a function see Pending or InProgress before it settles (once its work is done). Default 2. */
  settleReads?: number
  /** The region of the registry's repositories; another than the stand-in's makes Lambda refuse them. */
  registryRegion?: string
  /** Lambda's limit on an image's uncompressed size (10 GiB); small in a test that hits it. */
  imageSizeLimitBytes?: number
}

type Answer = [number, Record<string, unknown> | undefined, Record<string, string>?]

/**
 * AWS Lambda's REST JSON API for the calls limg makes, over real HTTP, SigV4 checked, following
 * the documented state machine: a new function is Pending until its image is ready (pulled from
 * the real registry onto the real engine) and it has been read `settleReads` times, then Active;
 * an update is InProgress before Successful, and a change during one is ResourceConflictException;
 * an image whose architecture is not the function's fails the update. Invoke runs the image on
 * the engine behind its emulator and writes the log lines to the CloudWatch Logs stand-in.
 */
export class LambdaStandIn extends HttpStandIn {
  readonly functions = new Map<string, StandInFunction>()
  readonly accountId: string
  /** The region the registry's repositories are in; a test sets another to see Lambda refuse them. */
  registryRegion: string
  /** Lambda's limit on an image's uncompressed size; a test lowers it to see a function fail. */
  imageSizeLimitBytes: number
  /** How many reads see a change in progress before it settles; a test raises it to keep a function Pending. */
  settleReads: number
  private readonly runtime: FunctionRuntime
  private readonly jobs = new Set<Promise<void>>()

  constructor(private readonly options: LambdaStandInOptions) {
    super({...options.identity, service: 'lambda'})
    this.accountId = options.accountId ?? '123456789012'
    this.registryRegion = options.registryRegion ?? options.identity.region
    this.imageSizeLimitBytes = options.imageSizeLimitBytes ?? TEN_GIB
    this.settleReads = options.settleReads ?? 2
    this.runtime = new FunctionRuntime(options.docker, {...options.labels, 'limg.stand-in': 'lambda'})
  }

  /** Puts an existing function in the middle of an update someone else started, seen `reads` times before it ends. */
  beginOutsideUpdate(name: string, reads: number): void {
    const fn = this.functions.get(name)
    if (!fn) throw new Error(`no function ${name}`)
    fn.configuration.LastUpdateStatus = 'InProgress'
    fn.configuration.LastUpdateStatusReason = 'The function is being updated.'
    fn.transition = {kind: 'configuration', readsLeft: reads, outcome: {ok: true}}
  }

  override async stop(): Promise<void> {
    await super.stop()
    await Promise.allSettled([...this.jobs])
    await this.runtime.stopAll()
  }

  protected operationOf(request: StandInRequest): string {
    return route(request.method, request.url.pathname)?.operation ?? 'Unknown'
  }

  protected async handle(operation: string, request: StandInRequest, res: ServerResponse): Promise<void> {
    const matched = route(request.method, request.url.pathname)
    let body: Record<string, unknown> = {}
    if (operation !== 'Invoke' && request.body.length > 0) {
      try {
        body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>
      } catch {
        return this.reply(res, operation, {}, [400, error('InvalidRequestContentException', 'Could not parse request body into json')])
      }
    }
    const params = matched?.params ?? {}
    let answer: Answer
    switch (operation) {
      case 'CreateFunction':
        answer = await this.createFunction(body)
        break
      case 'GetFunction':
        answer = this.getFunction(params.name, request.url.searchParams.get('Qualifier'))
        break
      case 'GetFunctionConfiguration':
        answer = this.getConfiguration(params.name, request.url.searchParams.get('Qualifier'))
        break
      case 'UpdateFunctionCode':
        answer = await this.updateCode(params.name, body)
        break
      case 'UpdateFunctionConfiguration':
        answer = this.updateConfiguration(params.name, body)
        break
      case 'PublishVersion':
        answer = this.publishVersion(params.name, body)
        break
      case 'CreateAlias':
        answer = this.createAlias(params.name, body)
        break
      case 'GetAlias':
        answer = this.getAlias(params.name, params.alias)
        break
      case 'UpdateAlias':
        answer = this.updateAlias(params.name, params.alias, body)
        break
      case 'TagResource':
        answer = this.tagResource(params.arn, body)
        break
      case 'Invoke':
        answer = await this.invoke(params.name, request)
        break
      default:
        answer = [400, error('InvalidParameterValueException', `The stand-in does not implement ${request.method} ${request.url.pathname}`)]
    }
    return this.reply(res, operation, body, answer)
  }

  protected answerError(res: ServerResponse, _operation: string, failure: InjectedFailure): void {
    send(res, [failure.status ?? 400, error(failure.type, failure.message)])
  }

  private reply(res: ServerResponse, operation: string, body: Record<string, unknown>, answer: Answer): void {
    this.record(operation, body, answer[0])
    send(res, answer)
  }

  private find(nameOrArn: string): StandInFunction | undefined {
    const name = /:function:([^:]+)/.exec(nameOrArn)?.[1] ?? nameOrArn
    return this.functions.get(name)
  }

  private notFound(name: string): Answer {
    return [404, error('ResourceNotFoundException', `Function not found: ${this.arn(name)}`)]
  }

  private arn(name: string, qualifier?: string): string {
    return `arn:aws:lambda:${this.options.identity.region}:${this.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`
  }

  private conflict(fn: StandInFunction): Answer {
    return [409, error('ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${fn.configuration.FunctionArn}`)]
  }

  /** What Lambda checks of an image when it is given one, before answering. */
  private async checkImage(uri: string): Promise<Code | Answer> {
    if (typeof uri !== 'string' || uri === '') return [400, error('InvalidParameterValueException', 'Code.ImageUri is required for a function of package type Image.')]
    const invalid: Answer = [400, error('InvalidParameterValueException', `Source image ${uri} is not valid. Provide a valid source image.`)]
    if (this.registryRegion !== this.options.identity.region) return invalid
    const found = await lookUpImage(this.options.registry, uri)
    if (found.kind === 'foreign') return invalid
    if (found.kind === 'missing') return [400, error('InvalidParameterValueException', `Source image ${uri} does not exist. Provide a valid source image.`)]
    if (found.kind === 'not-single') return [400, error('InvalidParameterValueException', `The image manifest, config or layer media type for the source image ${uri} is not supported.`)]
    const architecture = await imageArchitecture(this.options.registry, found.repository, found.digest)
    return {imageUri: uri, resolvedUri: found.resolvedUri, digest: found.digest, architecture}
  }

  private checkRole(role: unknown): Answer | undefined {
    if (typeof role !== 'string' || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(role)) {
      return [400, error('ValidationException', `1 validation error detected: Value '${String(role)}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`)]
    }
    if (!this.options.iam.lambdaCanAssume(role)) return [400, error('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.')]
    return undefined
  }

  private checkSettings(body: Record<string, unknown>): Answer | undefined {
    const within = (value: unknown, min: number, max: number) => value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    if (!within(body.MemorySize, 128, 10240)) return [400, error('InvalidParameterValueException', "'MemorySize' value failed to satisfy constraint: Member must have value between 128 and 10240")]
    if (!within(body.Timeout, 1, 900)) return [400, error('InvalidParameterValueException', "'Timeout' value failed to satisfy constraint: Member must have value between 1 and 900")]
    if (!within((body.EphemeralStorage as {Size?: number} | undefined)?.Size, 512, 10240)) return [400, error('InvalidParameterValueException', 'Invalid Storage Size value: must be between 512 and 10240 MB')]
    const variables = Object.keys((body.Environment as {Variables?: Record<string, string>} | undefined)?.Variables ?? {})
    const reserved = variables.filter((k) => RESERVED.has(k))
    if (reserved.length > 0) {
      return [400, error('InvalidParameterValueException', `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`)]
    }
    return undefined
  }

  private async createFunction(body: Record<string, unknown>): Promise<Answer> {
    const name = String(body.FunctionName ?? '')
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) return [400, error('InvalidParameterValueException', `Invalid function name: ${name}`)]
    if (this.functions.has(name)) return [409, error('ResourceConflictException', `Function already exist: ${name}`)]
    if (body.PackageType !== 'Image') return [400, error('InvalidParameterValueException', 'The stand-in takes functions of package type Image only.')]
    const architectures = (body.Architectures as string[] | undefined) ?? ['x86_64']
    if (architectures.length !== 1 || !DOCKER_ARCH[architectures[0]]) return [400, error('ValidationException', "1 validation error detected: Value at 'architectures' failed to satisfy constraint")]
    const invalid = this.checkSettings(body) ?? this.checkRole(body.Role)
    if (invalid) return invalid
    const code = await this.checkImage(String((body.Code as {ImageUri?: string} | undefined)?.ImageUri ?? ''))
    if (Array.isArray(code)) return code
    const configuration: Configuration = {
      FunctionName: name,
      FunctionArn: this.arn(name),
      Role: body.Role,
      CodeSize: 0,
      Description: body.Description ?? '',
      Timeout: body.Timeout ?? 3,
      MemorySize: body.MemorySize ?? 128,
      LastModified: lastModified(),
      CodeSha256: code.digest.replace(/^sha256:/, ''),
      Version: '$LATEST',
      Environment: {Variables: (body.Environment as {Variables?: Record<string, string>} | undefined)?.Variables ?? {}},
      TracingConfig: {Mode: 'PassThrough'},
      RevisionId: randomUUID(),
      State: 'Pending',
      StateReason: 'The function is being created.',
      StateReasonCode: 'Creating',
      PackageType: 'Image',
      Architectures: architectures,
      EphemeralStorage: {Size: (body.EphemeralStorage as {Size?: number} | undefined)?.Size ?? 512},
      LoggingConfig: {LogFormat: 'Text', LogGroup: `/aws/lambda/${name}`},
    }
    const fn: StandInFunction = {configuration, code, tags: (body.Tags as Record<string, string> | undefined) ?? {}, versions: new Map(), aliases: new Map(), generation: 1}
    fn.transition = {kind: 'create', readsLeft: this.settleReads}
    this.functions.set(name, fn)
    this.prepare(fn.transition, code, architectures[0])
    return [201, {...configuration}]
  }

  /** Lambda's work on a new image, in the background: its architecture checked, then pulled and measured. */
  private prepare(transition: Transition, code: Code, architecture: string): void {
    const job = (async () => {
      if (code.architecture !== DOCKER_ARCH[architecture]) {
        transition.outcome = {ok: false, code: 'InvalidImage', reason: `The image's architecture (${code.architecture}) does not match the function's architecture (${architecture}).`}
        return
      }
      let size: number
      try {
        size = await pullImage(this.options.docker, this.options.registry, code.resolvedUri)
      } catch (error) {
        transition.outcome = {ok: false, code: 'ImageAccessDenied', reason: `Lambda was unable to pull the image: ${(error as Error).message}`}
        return
      }
      if (size > this.imageSizeLimitBytes) {
        transition.outcome = {ok: false, code: 'InvalidImage', reason: 'SizeLimitExceeded: Uncompressed container image size exceeds 10 GiB limit'}
        return
      }
      transition.outcome = {ok: true, code}
    })()
    this.jobs.add(job)
    void job.finally(() => this.jobs.delete(job))
  }

  /** A read of the function: counts towards the end of a transition, and applies it once its work is done. */
  private read(fn: StandInFunction): void {
    const transition = fn.transition
    if (!transition) return
    transition.readsLeft -= 1
    if (transition.readsLeft > 0 || !transition.outcome) return
    fn.transition = undefined
    const c = fn.configuration
    for (const key of ['StateReason', 'StateReasonCode', 'LastUpdateStatusReason', 'LastUpdateStatusReasonCode']) delete c[key]
    const outcome = transition.outcome
    if (outcome.ok) {
      if (outcome.code) {
        fn.code = outcome.code
        c.CodeSha256 = outcome.code.digest.replace(/^sha256:/, '')
      }
      c.State = 'Active'
      c.LastUpdateStatus = 'Successful'
      fn.generation += 1
      void this.runtime.retire(`${c.FunctionName}@`)
      return
    }
    if (transition.kind === 'create') {
      c.State = 'Failed'
      c.StateReason = outcome.reason
      c.StateReasonCode = outcome.code
    }
    c.LastUpdateStatus = 'Failed'
    c.LastUpdateStatusReason = outcome.reason
    c.LastUpdateStatusReasonCode = outcome.code
  }

  private getFunction(name: string, qualifier: string | null): Answer {
    const fn = this.find(name)
    if (!fn) return this.notFound(name)
    const [status, configuration] = this.getConfiguration(name, qualifier)
    if (status !== 200) return [status, configuration]
    const code = qualifier && qualifier !== '$LATEST' ? this.version(fn, qualifier)?.code ?? fn.code : fn.code
    return [200, {Configuration: configuration, Code: {RepositoryType: 'ECR', ImageUri: code.imageUri, ResolvedImageUri: code.resolvedUri}, Tags: fn.tags}]
  }

  private version(fn: StandInFunction, qualifier: string) {
    const alias = fn.aliases.get(qualifier)
    return fn.versions.get(alias ? alias.FunctionVersion : qualifier)
  }

  private getConfiguration(name: string, qualifier: string | null): Answer {
    const fn = this.find(name)
    if (!fn) return this.notFound(name)
    if (qualifier && qualifier !== '$LATEST') {
      const version = this.version(fn, qualifier)
      if (!version) return [404, error('ResourceNotFoundException', `Function not found: ${this.arn(fn.configuration.FunctionName, qualifier)}`)]
      return [200, {...version.configuration}]
    }
    this.read(fn)
    return [200, {...fn.configuration}]
  }

  private async updateCode(name: string, body: Record<string, unknown>): Promise<Answer> {
    const fn = this.find(name)
    if (!fn) return this.notFound(name)
    if (fn.transition || fn.configuration.State === 'Pending') return this.conflict(fn)
    if (body.RevisionId !== undefined && body.RevisionId !== fn.configuration.RevisionId) return [412, error('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id.')]
    const code = await this.checkImage(String(body.ImageUri ?? ''))
    if (Array.isArray(code)) return code
    const c = fn.configuration
    // UpdateFunctionCode may switch the architecture; without one, the image must match the function's.
    if (Array.isArray(body.Architectures)) c.Architectures = body.Architectures as string[]
    c.LastUpdateStatus = 'InProgress'
    c.LastUpdateStatusReason = 'The function is being created.'
    c.LastUpdateStatusReasonCode = 'Creating'
    c.RevisionId = randomUUID()
    c.LastModified = lastModified()
    fn.transition = {kind: 'code', readsLeft: this.settleReads}
    this.prepare(fn.transition, code, c.Architectures[0])
    return [200, {...c, CodeSha256: code.digest.replace(/^sha256:/, '')}]
  }

  private updateConfiguration(name: string, body: Record<string, unknown>): Answer {
    const fn = this.find(name)
    if (!fn) return this.notFound(name)
    if (fn.transition || fn.configuration.State === 'Pending') return this.conflict(fn)
    const invalid = this.checkSettings(body) ?? (body.Role !== undefined && body.Role !== fn.configuration.Role ? this.checkRole(body.Role) : undefined)
    if (invalid) return invalid
    const c = fn.configuration
    for (const key of ['Role', 'MemorySize', 'Timeout', 'Description', 'Environment', 'EphemeralStorage'] as const) if (body[key] !== undefined) c[key] = body[key]
    c.LastUpdateStatus = 'InProgress'
    c.LastUpdateStatusReason = 'The function is being updated.'
    c.RevisionId = randomUUID()
    c.LastModified = lastModified()
    fn.transition = {kind: 'configuration', readsLeft: this.settleReads, outcome: {ok: true}}
    return [200, {...c}]
  }

  private publishVersion(name: string, body: Record<string, unknown>): Answer {
    const fn = this.find(name)
    if (!fn) return this.notFound(name)
    if (fn.transition || fn.configuration.State !== 'Active') return this.conflict(fn)
    if (body.CodeSha256 !== undefined && body.CodeSha256 !== fn.configuration.CodeSha256) {
      return [412, error('PreconditionFailedException', 'CodeSHA256 does not match the latest code.')]
    }
    const existing = [...fn.versions.entries()].find(([, v]) => v.configuration.CodeSha256 === fn.configuration.CodeSha256 && v.configuration.RevisionSource === fn.configuration.RevisionId)
    if (existing) return [201, {...existing[1].configuration}]
    const number = String(fn.versions.size + 1)
    const configuration: Configuration = {...structuredClone(fn.configuration), Version: number, FunctionArn: this.arn(fn.configuration.FunctionName, number), RevisionId: randomUUID(), RevisionSource: fn.configuration.RevisionId}
    fn.versions.set(number, {configuration, code: fn.code})
    return [201, {...configuration}]
  }

  private createAlias(name: string, body: Record<string, unknown>): Answer {
    const fn = this.find(name)
    if (!fn) return this.notFound(name)
    const alias = String(body.Name ?? '')
    if (fn.aliases.has(alias)) return [409, error('ResourceConflictException', `Alias already exists: ${this.arn(fn.configuration.FunctionName, alias)}`)]
    const version = String(body.FunctionVersion ?? '')
    if (!fn.versions.has(version) && version !== '$LATEST') return [404, error('ResourceNotFoundException', `Function not found: ${this.arn(fn.configuration.FunctionName, version)}`)]
    const entry = {AliasArn: this.arn(fn.configuration.FunctionName, alias), Name: alias, FunctionVersion: version, Description: String(body.Description ?? ''), RevisionId: randomUUID()}
    fn.aliases.set(alias, entry)
    return [201, {...entry}]
  }

  private getAlias(name: string, alias: string): Answer {
    const fn = this.find(name)
    if (!fn) return this.notFound(name)
    const entry = fn.aliases.get(alias)
    if (!entry) return [404, error('ResourceNotFoundException', `Cannot find alias arn: ${this.arn(fn.configuration.FunctionName, alias)}`)]
    return [200, {...entry}]
  }

  private updateAlias(name: string, alias: string, body: Record<string, unknown>): Answer {
    const fn = this.find(name)
    if (!fn) return this.notFound(name)
    const entry = fn.aliases.get(alias)
    if (!entry) return [404, error('ResourceNotFoundException', `Cannot find alias arn: ${this.arn(fn.configuration.FunctionName, alias)}`)]
    if (body.RevisionId !== undefined && body.RevisionId !== entry.RevisionId) return [412, error('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id.')]
    if (body.FunctionVersion !== undefined) {
      const version = String(body.FunctionVersion)
      if (!fn.versions.has(version) && version !== '$LATEST') return [404, error('ResourceNotFoundException', `Function not found: ${this.arn(fn.configuration.FunctionName, version)}`)]
      entry.FunctionVersion = version
    }
    entry.RevisionId = randomUUID()
    return [200, {...entry}]
  }

  private tagResource(arn: string, body: Record<string, unknown>): Answer {
    const fn = this.find(arn)
    if (!fn || fn.configuration.FunctionArn !== arn) return [404, error('ResourceNotFoundException', `Function not found: ${arn}`)]
    Object.assign(fn.tags, body.Tags as Record<string, string>)
    return [204, undefined]
  }

  private async invoke(name: string, request: StandInRequest): Promise<Answer> {
    const fn = this.find(name)
    if (!fn) return this.notFound(name)
    const qualifier = request.url.searchParams.get('Qualifier') ?? '$LATEST'
    if (String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse') !== 'RequestResponse') {
      return [400, error('InvalidParameterValueException', 'The stand-in takes RequestResponse invocations only.')]
    }
    if (request.body.length > MAX_PAYLOAD) {
      return [413, error('RequestEntityTooLargeException', `Request must be smaller than ${MAX_PAYLOAD} bytes for the InvokeFunction operation`)]
    }
    try {
      if (request.body.length > 0) JSON.parse(request.body.toString('utf8'))
    } catch (e) {
      return [400, error('InvalidRequestContentException', `Could not parse request body into json: ${(e as Error).message}`)]
    }
    let target: {configuration: Configuration; code: Code; version: string}
    if (qualifier === '$LATEST') {
      if (fn.configuration.State === 'Pending') {
        return [409, error('ResourceConflictException', 'The operation cannot be performed at this time. The function is currently in the following state: Pending')]
      }
      if (fn.configuration.State === 'Failed') return [502, error('InvalidImageException', String(fn.configuration.StateReason ?? 'The function failed to be created.'))]
      target = {configuration: fn.configuration, code: fn.code, version: '$LATEST'}
    } else {
      const version = this.version(fn, qualifier)
      if (!version) return [404, error('ResourceNotFoundException', `Function not found: ${this.arn(fn.configuration.FunctionName, qualifier)}`)]
      target = {...version, version: String(version.configuration.Version)}
    }
    const c = target.configuration
    const logGroup = String((c.LoggingConfig as {LogGroup?: string} | undefined)?.LogGroup ?? `/aws/lambda/${c.FunctionName}`)
    const invocation = await this.runtime.invoke(
      {
        key: `${c.FunctionName}@${target.version}#${fn.generation}`,
        image: target.code.resolvedUri,
        arch: c.Architectures[0] as 'x86_64' | 'arm64',
        memoryMb: Number(c.MemorySize),
        variables: {
          ...((c.Environment as {Variables?: Record<string, string>}).Variables ?? {}),
          AWS_REGION: this.options.identity.region,
          AWS_DEFAULT_REGION: this.options.identity.region,
          AWS_LAMBDA_FUNCTION_NAME: c.FunctionName,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.MemorySize),
          AWS_LAMBDA_FUNCTION_TIMEOUT: String(c.Timeout),
          AWS_LAMBDA_FUNCTION_VERSION: target.version,
          AWS_LAMBDA_LOG_GROUP_NAME: logGroup,
          AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        },
      },
      target.version,
      request.body.length > 0 ? request.body : Buffer.from('{}'),
    )
    // Lambda writes the function's log only when its role lets it (AWSLambdaBasicExecutionRole).
    if (this.options.iam.allowsLogs(String(c.Role))) {
      this.options.logs.put(
        logGroup,
        invocation.streamName,
        invocation.lines.map((line) => ({timestamp: line.timestamp, message: `${line.text}\n`})),
      )
    }
    const timedOut = /^Task timed out after (\d+(?:\.\d+)?) seconds$/.exec(invocation.body.trim())
    let payload = invocation.body
    let functionError: string | undefined
    if (timedOut) {
      payload = JSON.stringify({errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${invocation.requestId} Error: Task timed out after ${timedOut[1]} seconds`})
      functionError = 'Unhandled'
    } else if (isErrorShape(invocation.body)) functionError = 'Unhandled'
    const tail = Buffer.from(invocation.lines.map((line) => `${line.text}\n`).join(''))
    const headers: Record<string, string> = {
      'x-amz-executed-version': target.version,
      'x-amzn-requestid': invocation.requestId || randomUUID(),
      ...(request.headers['x-amz-log-type'] === 'Tail' ? {'x-amz-log-result': tail.subarray(Math.max(0, tail.length - 4096)).toString('base64')} : {}),
      ...(functionError ? {'x-amz-function-error': functionError} : {}),
    }
    return [200, {__raw: payload}, headers]
  }
}

function isErrorShape(body: string): boolean {
  try {
    const value = JSON.parse(body) as {errorType?: unknown; errorMessage?: unknown}
    return typeof value === 'object' && value !== null && (typeof value.errorMessage === 'string' || typeof value.errorType === 'string')
  } catch {
    return false
  }
}

const ROUTES: {method: string; pattern: RegExp; operation: string; keys: string[]}[] = [
  {method: 'POST', pattern: /^\/2015-03-31\/functions\/?$/, operation: 'CreateFunction', keys: []},
  {method: 'GET', pattern: /^\/2015-03-31\/functions\/([^/]+)$/, operation: 'GetFunction', keys: ['name']},
  {method: 'GET', pattern: /^\/2015-03-31\/functions\/([^/]+)\/configuration$/, operation: 'GetFunctionConfiguration', keys: ['name']},
  {method: 'PUT', pattern: /^\/2015-03-31\/functions\/([^/]+)\/code$/, operation: 'UpdateFunctionCode', keys: ['name']},
  {method: 'PUT', pattern: /^\/2015-03-31\/functions\/([^/]+)\/configuration$/, operation: 'UpdateFunctionConfiguration', keys: ['name']},
  {method: 'POST', pattern: /^\/2015-03-31\/functions\/([^/]+)\/versions$/, operation: 'PublishVersion', keys: ['name']},
  {method: 'POST', pattern: /^\/2015-03-31\/functions\/([^/]+)\/aliases$/, operation: 'CreateAlias', keys: ['name']},
  {method: 'GET', pattern: /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/, operation: 'GetAlias', keys: ['name', 'alias']},
  {method: 'PUT', pattern: /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/, operation: 'UpdateAlias', keys: ['name', 'alias']},
  {method: 'POST', pattern: /^\/2015-03-31\/functions\/([^/]+)\/invocations$/, operation: 'Invoke', keys: ['name']},
  {method: 'POST', pattern: /^\/2017-03-31\/tags\/([^/]+)$/, operation: 'TagResource', keys: ['arn']},
]

function route(method: string, path: string): {operation: string; params: Record<string, string>} | undefined {
  for (const r of ROUTES) {
    const match = r.method === method ? r.pattern.exec(path) : null
    if (match) return {operation: r.operation, params: Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(match[i + 1])]))}
  }
  return undefined
}

/** Lambda's error body, with its type in the header the SDK reads. */
function error(type: string, message: string): Record<string, unknown> {
  return {__errorType: type, Type: 'User', message}
}

function send(res: ServerResponse, [status, payload, headers]: Answer): void {
  if (payload === undefined) {
    res.writeHead(status, {'x-amzn-requestid': randomUUID(), ...headers})
    res.end()
    return
  }
  const {__errorType, __raw, ...rest} = payload as {__errorType?: string; __raw?: string}
  const text = typeof __raw === 'string' ? __raw : JSON.stringify(rest)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(__errorType ? {'x-amzn-errortype': __errorType} : {}),
    ...headers,
  })
  res.end(text)
}

function lastModified(): string {
  return new Date().toISOString().replace('Z', '+0000')
}
