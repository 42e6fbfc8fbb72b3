import {
  type AliasConfiguration,
  CreateAliasCommand,
  CreateFunctionCommand,
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda'
import {type AwsClientOptions, ClientRegion, sdkClientConfig} from '../aws/client-settings.js'
import {AwsError} from '../errors/index.js'
import type {Architecture} from '../catalog/runtimes.js'
import type {AliasInfo, CreateFunctionRequest, FunctionSettings, FunctionState, FunctionStatus, InvokeAnswer, LambdaApi, RemoteFunction, UpdateStatus} from './lambda-api.js'
import {type LambdaCallContext, lambdaFailure} from './lambda-errors.js'
import {throwIfAborted} from '../util/abort.js'

/**
 * Lambda through the AWS SDK, with credentials, region and endpoint from the SDK's default
 * chain (AWS_ENDPOINT_URL_LAMBDA / endpoint_url included), as `limg push` does for ECR.
 */
export class SdkLambdaApi implements LambdaApi {
  private readonly client: LambdaClient
  private readonly clientRegion: ClientRegion

  constructor(options: AwsClientOptions = {}) {
    // The SDK's own retries cover throttling and 5xx; a function's update conflicts are limg's to wait out.
    this.client = new LambdaClient(sdkClientConfig(options))
    this.clientRegion = new ClientRegion(() => this.client.config.region(), options)
  }

  region(): Promise<string> {
    return this.clientRegion.get()
  }

  async getFunction(name: string): Promise<RemoteFunction | undefined> {
    const out = await this.sendOrMiss('lambda:GetFunction', () => this.client.send(new GetFunctionCommand({FunctionName: name})))
    if (!out?.Configuration) return undefined
    return {
      status: toStatus(out.Configuration),
      ...(out.Code?.ImageUri ? {imageUri: out.Code.ImageUri} : {}),
      ...(out.Code?.ResolvedImageUri ? {resolvedImageUri: out.Code.ResolvedImageUri} : {}),
      tags: out.Tags ?? {},
    }
  }

  async getFunctionConfiguration(name: string, qualifier?: string): Promise<FunctionStatus | undefined> {
    const out = await this.sendOrMiss('lambda:GetFunctionConfiguration', () =>
      this.client.send(new GetFunctionConfigurationCommand({FunctionName: name, ...(qualifier ? {Qualifier: qualifier} : {})})),
    )
    return out ? toStatus(out) : undefined
  }

  async createFunction(request: CreateFunctionRequest): Promise<FunctionStatus> {
    const out = await this.send('lambda:CreateFunction', {imageUri: request.imageUri, role: request.settings.role}, () =>
      this.client.send(
        new CreateFunctionCommand({
          FunctionName: request.name,
          PackageType: 'Image',
          Code: {ImageUri: request.imageUri},
          Architectures: [request.architecture],
          ...settingsInput(request.settings),
          ...(Object.keys(request.tags).length > 0 ? {Tags: request.tags} : {}),
        }),
      ),
    )
    return toStatus(out)
  }

  async updateFunctionCode(name: string, code: {imageUri: string; architecture: Architecture; revisionId?: string}): Promise<FunctionStatus> {
    const out = await this.send('lambda:UpdateFunctionCode', {imageUri: code.imageUri}, () =>
      this.client.send(
        new UpdateFunctionCodeCommand({FunctionName: name, ImageUri: code.imageUri, Architectures: [code.architecture], ...(code.revisionId ? {RevisionId: code.revisionId} : {})}),
      ),
    )
    return toStatus(out)
  }

  async updateFunctionConfiguration(name: string, settings: FunctionSettings, revisionId?: string): Promise<FunctionStatus> {
    const out = await this.send('lambda:UpdateFunctionConfiguration', {role: settings.role}, () =>
      this.client.send(new UpdateFunctionConfigurationCommand({FunctionName: name, ...settingsInput(settings), ...(revisionId ? {RevisionId: revisionId} : {})})),
    )
    return toStatus(out)
  }

  async tagResource(arn: string, tags: Record<string, string>): Promise<void> {
    await this.send('lambda:TagResource', {}, () => this.client.send(new TagResourceCommand({Resource: arn, Tags: tags})))
  }

  async publishVersion(name: string, options: {codeSha256?: string; revisionId?: string; description?: string}): Promise<FunctionStatus> {
    const out = await this.send('lambda:PublishVersion', {}, () =>
      this.client.send(
        new PublishVersionCommand({
          FunctionName: name,
          ...(options.codeSha256 ? {CodeSha256: options.codeSha256} : {}),
          ...(options.revisionId ? {RevisionId: options.revisionId} : {}),
          ...(options.description ? {Description: options.description} : {}),
        }),
      ),
    )
    return toStatus(out)
  }

  async getAlias(name: string, alias: string): Promise<AliasInfo | undefined> {
    const out = await this.sendOrMiss('lambda:GetAlias', () => this.client.send(new GetAliasCommand({FunctionName: name, Name: alias})))
    return out ? toAlias(out) : undefined
  }

  async createAlias(name: string, alias: string, version: string): Promise<AliasInfo> {
    return toAlias(await this.send('lambda:CreateAlias', {}, () => this.client.send(new CreateAliasCommand({FunctionName: name, Name: alias, FunctionVersion: version}))))
  }

  async updateAlias(name: string, alias: string, version: string, revisionId?: string): Promise<AliasInfo> {
    return toAlias(
      await this.send('lambda:UpdateAlias', {}, () =>
        this.client.send(new UpdateAliasCommand({FunctionName: name, Name: alias, FunctionVersion: version, ...(revisionId ? {RevisionId: revisionId} : {})})),
      ),
    )
  }

  async invoke(name: string, payload: Uint8Array, options: {qualifier?: string; signal?: AbortSignal} = {}): Promise<InvokeAnswer> {
    let out
    try {
      out = await this.client.send(
        new InvokeCommand({FunctionName: name, InvocationType: 'RequestResponse', LogType: 'Tail', Payload: payload, ...(options.qualifier ? {Qualifier: options.qualifier} : {})}),
        options.signal ? {abortSignal: options.signal} : {},
      )
    } catch (error) {
      throwIfAborted(options.signal)
      throw lambdaFailure(error, 'lambda:InvokeFunction', {region: await this.clientRegion.orUndefined()})
    }
    return {
      statusCode: out.StatusCode ?? 0,
      payload: out.Payload ?? new Uint8Array(),
      ...(out.FunctionError ? {functionError: out.FunctionError} : {}),
      ...(out.LogResult ? {logTail: Buffer.from(out.LogResult, 'base64').toString('utf8')} : {}),
      ...(out.ExecutedVersion ? {executedVersion: out.ExecutedVersion} : {}),
      ...(out.$metadata.requestId ? {requestId: out.$metadata.requestId} : {}),
    }
  }

  private async send<T>(action: string, context: Omit<LambdaCallContext, 'region'>, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw lambdaFailure(error, action, {...context, region: await this.clientRegion.orUndefined()})
    }
  }

  /** A call whose "no such function or alias" is an answer, not a failure. */
  private async sendOrMiss<T>(action: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call()
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined
      throw lambdaFailure(error, action, {region: await this.clientRegion.orUndefined()})
    }
  }
}

function settingsInput(settings: FunctionSettings) {
  return {
    Role: settings.role,
    MemorySize: settings.memoryMb,
    Timeout: settings.timeoutSeconds,
    Environment: {Variables: settings.environment},
    EphemeralStorage: {Size: settings.ephemeralStorageMb},
    Description: settings.description,
  }
}

function toStatus(config: FunctionConfiguration): FunctionStatus {
  if (!config.FunctionName || !config.FunctionArn) throw new AwsError('Lambda answered without the function\'s name or ARN.', 'Run the command again; check AWS_ENDPOINT_URL_LAMBDA if you set one.')
  return {
    functionName: config.FunctionName,
    functionArn: config.FunctionArn,
    version: config.Version ?? '$LATEST',
    ...(config.State ? {state: config.State as FunctionState} : {}),
    ...(config.StateReason ? {stateReason: config.StateReason} : {}),
    ...(config.StateReasonCode ? {stateReasonCode: config.StateReasonCode} : {}),
    ...(config.LastUpdateStatus ? {lastUpdateStatus: config.LastUpdateStatus as UpdateStatus} : {}),
    ...(config.LastUpdateStatusReason ? {lastUpdateStatusReason: config.LastUpdateStatusReason} : {}),
    ...(config.LastUpdateStatusReasonCode ? {lastUpdateStatusReasonCode: config.LastUpdateStatusReasonCode} : {}),
    ...(config.RevisionId ? {revisionId: config.RevisionId} : {}),
    ...(config.CodeSha256 ? {codeSha256: config.CodeSha256} : {}),
    ...(config.PackageType ? {packageType: config.PackageType} : {}),
    architectures: config.Architectures ?? ['x86_64'],
    settings: {
      role: config.Role ?? '',
      memoryMb: config.MemorySize ?? 128,
      timeoutSeconds: config.Timeout ?? 3,
      environment: config.Environment?.Variables ?? {},
      ephemeralStorageMb: config.EphemeralStorage?.Size ?? 512,
      description: config.Description ?? '',
    },
    logGroup: config.LoggingConfig?.LogGroup ?? `/aws/lambda/${config.FunctionName}`,
  }
}

function toAlias(alias: AliasConfiguration): AliasInfo {
  return {
    name: alias.Name ?? '',
    aliasArn: alias.AliasArn ?? '',
    functionVersion: alias.FunctionVersion ?? '',
    ...(alias.RevisionId ? {revisionId: alias.RevisionId} : {}),
  }
}
