import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand,
  type Repository,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr'
import {RegistryError} from '../errors/index.js'
import {type AwsClientOptions, ClientRegion, sdkClientConfig} from '../aws/client-settings.js'
import {asRegistryError} from '../aws/errors.js'
import {MEDIA_TYPES} from '../registry/registry-http.js'
import type {AuthorizationData, EcrApi, RemoteImage, RepositoryInfo, RepositorySettings} from './ecr-api.js'

/** Every manifest kind a tag can hold, so ECR answers with what it has (an index too) instead of a failure. */
const MANIFEST_MEDIA_TYPES = Object.values(MEDIA_TYPES)

/** A named profile and a region, else the SDK's default chain decides (see AwsClientOptions). */
export type EcrClientOptions = AwsClientOptions

/**
 * ECR through the AWS SDK. Credentials, region and endpoint come from the SDK's own default
 * chain (environment, shared config and credentials files, SSO, container and instance roles,
 * AWS_ENDPOINT_URL_ECR / endpoint_url), so limg behaves like the AWS CLI on the same shell.
 */
export class SdkEcrApi implements EcrApi {
  private readonly client: ECRClient
  private readonly clientRegion: ClientRegion

  constructor(options: EcrClientOptions = {}) {
    this.client = new ECRClient(sdkClientConfig(options))
    this.clientRegion = new ClientRegion(() => this.client.config.region(), options)
  }

  region(): Promise<string> {
    return this.clientRegion.get()
  }

  async getAuthorization(): Promise<AuthorizationData> {
    const out = await this.send('ecr:GetAuthorizationToken', () => this.client.send(new GetAuthorizationTokenCommand({})))
    const data = out.authorizationData?.[0]
    if (!data?.authorizationToken || !data.proxyEndpoint) {
      throw new RegistryError('ECR returned no authorization token.', 'Run the push again; if it persists, check `aws ecr get-login-password`.')
    }
    return {token: data.authorizationToken, proxyEndpoint: data.proxyEndpoint, ...(data.expiresAt ? {expiresAt: data.expiresAt} : {})}
  }

  async describeRepository(name: string): Promise<RepositoryInfo | undefined> {
    try {
      const out = await this.client.send(new DescribeRepositoriesCommand({repositoryNames: [name]}))
      const repo = out.repositories?.find((r) => r.repositoryName === name)
      return repo ? toRepositoryInfo(repo) : undefined
    } catch (error) {
      if (error instanceof RepositoryNotFoundException) return undefined
      throw asRegistryError(error, 'ecr:DescribeRepositories', await this.regionOrUndefined())
    }
  }

  async createRepository(name: string, settings: RepositorySettings): Promise<RepositoryInfo> {
    const out = await this.send('ecr:CreateRepository', () =>
      this.client.send(
        new CreateRepositoryCommand({
          repositoryName: name,
          imageTagMutability: settings.imageTagMutability,
          imageScanningConfiguration: {scanOnPush: settings.scanOnPush},
        }),
      ),
    )
    if (!out.repository) throw new RegistryError(`ECR did not return the repository ${name} it created.`)
    return toRepositoryInfo(out.repository)
  }

  async putLifecyclePolicy(name: string, policyText: string): Promise<void> {
    await this.send('ecr:PutLifecyclePolicy', () => this.client.send(new PutLifecyclePolicyCommand({repositoryName: name, lifecyclePolicyText: policyText})))
  }

  async findImageByTag(repository: string, tag: string): Promise<RemoteImage | undefined> {
    // BatchGetImage rather than DescribeImages: its answer carries the manifest, which a push
    // of an image the tag already holds then needs from nowhere else.
    const out = await this.send('ecr:BatchGetImage', () =>
      this.client.send(new BatchGetImageCommand({repositoryName: repository, imageIds: [{imageTag: tag}], acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES]})),
    )
    const image = out.images?.[0]
    if (!image?.imageId?.imageDigest) {
      const failure = out.failures?.[0]
      if (!failure || failure.failureCode === 'ImageNotFound') return undefined
      throw new RegistryError(`ECR could not read ${repository}:${tag}: ${failure.failureReason ?? failure.failureCode}.`, 'Check the repository with `aws ecr describe-images`, then push again.')
    }
    return {
      digest: image.imageId.imageDigest,
      tags: [tag],
      ...(image.imageManifestMediaType ? {manifestMediaType: image.imageManifestMediaType} : {}),
      ...(image.imageManifest ? {manifest: image.imageManifest} : {}),
    }
  }

  private async send<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw asRegistryError(error, action, await this.regionOrUndefined())
    }
  }

  private regionOrUndefined(): Promise<string | undefined> {
    return this.clientRegion.orUndefined()
  }
}

function toRepositoryInfo(repo: Repository): RepositoryInfo {
  return {
    name: repo.repositoryName ?? '',
    uri: repo.repositoryUri ?? '',
    ...(repo.repositoryArn ? {arn: repo.repositoryArn} : {}),
    ...(repo.registryId ? {registryId: repo.registryId} : {}),
    imageTagMutability: repo.imageTagMutability?.startsWith('MUTABLE') ? 'MUTABLE' : 'IMMUTABLE',
    scanOnPush: repo.imageScanningConfiguration?.scanOnPush ?? false,
  }
}
