import type {Architecture} from '../catalog/runtimes.js'

/** A function's `State` (Lambda's function states). */
export type FunctionState = 'Pending' | 'Active' | 'Inactive' | 'Failed'
/** A function's `LastUpdateStatus`: every create and update goes through InProgress. */
export type UpdateStatus = 'InProgress' | 'Successful' | 'Failed'

/** The configuration limg sets on a function, from limg.json and flags. */
export interface FunctionSettings {
  /** The execution role's ARN. */
  role: string
  memoryMb: number
  timeoutSeconds: number
  environment: Record<string, string>
  ephemeralStorageMb: number
  description: string
}

/** What Lambda says about one version of a function (`$LATEST` or a published one). */
export interface FunctionStatus {
  functionName: string
  functionArn: string
  version: string
  state?: FunctionState
  stateReason?: string
  stateReasonCode?: string
  lastUpdateStatus?: UpdateStatus
  lastUpdateStatusReason?: string
  lastUpdateStatusReasonCode?: string
  revisionId?: string
  codeSha256?: string
  packageType?: string
  architectures: string[]
  settings: FunctionSettings
  /** Where the function writes its log (its logging config, else `/aws/lambda/<name>`). */
  logGroup?: string
}

/** GetFunction's answer: the configuration, the image and the tags. */
export interface RemoteFunction {
  status: FunctionStatus
  /** The image as it was given. */
  imageUri?: string
  /** The image by digest, as Lambda resolved it. */
  resolvedImageUri?: string
  tags: Record<string, string>
}

export interface AliasInfo {
  name: string
  aliasArn: string
  functionVersion: string
  revisionId?: string
}

export interface CreateFunctionRequest {
  name: string
  imageUri: string
  architecture: Architecture
  settings: FunctionSettings
  tags: Record<string, string>
}

/** What Lambda's Invoke answered. */
export interface InvokeAnswer {
  statusCode: number
  /** `X-Amz-Function-Error`: `Unhandled` (or `Handled`) when the function failed. */
  functionError?: string
  payload: Uint8Array
  /** The decoded `X-Amz-Log-Result`: the last 4 KB of the invocation's log. */
  logTail?: string
  executedVersion?: string
  requestId?: string
}

/**
 * The Lambda calls limg makes, so a fake can stand in for the SDK in unit tests. Expected misses
 * (no such function, no such alias) are values; AWS's other answers are AwsError, whose
 * `awsCode` keeps the exception name (`ResourceConflictException`) for callers that retry.
 */
export interface LambdaApi {
  region(): Promise<string>
  getFunction(name: string): Promise<RemoteFunction | undefined>
  getFunctionConfiguration(name: string, qualifier?: string): Promise<FunctionStatus | undefined>
  createFunction(request: CreateFunctionRequest): Promise<FunctionStatus>
  updateFunctionCode(name: string, code: {imageUri: string; architecture: Architecture; revisionId?: string}): Promise<FunctionStatus>
  updateFunctionConfiguration(name: string, settings: FunctionSettings, revisionId?: string): Promise<FunctionStatus>
  tagResource(arn: string, tags: Record<string, string>): Promise<void>
  publishVersion(name: string, options: {codeSha256?: string; revisionId?: string; description?: string}): Promise<FunctionStatus>
  getAlias(name: string, alias: string): Promise<AliasInfo | undefined>
  createAlias(name: string, alias: string, version: string): Promise<AliasInfo>
  updateAlias(name: string, alias: string, version: string, revisionId?: string): Promise<AliasInfo>
  invoke(name: string, payload: Uint8Array, options?: {qualifier?: string; signal?: AbortSignal}): Promise<InvokeAnswer>
}
