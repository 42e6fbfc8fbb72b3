import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  type ImageDetail,
  PutLifecyclePolicyCommand,
  type Repository,
} from '@aws-sdk/client-ecr'
import {RegistryError} from '../errors/index.js'
import {asRegistryError, missingRegion} from './aws-errors.js'
import type {AuthorizationData, EcrApi, RemoteImage, RepositoryInfo, RepositorySettings} from './ecr-api.js'
import {type RegionSource, checkRegion, malformedRegion} from './region.js'

export interface EcrClientOptions {
  /** A named profile from the shared config; otherwise AWS_PROFILE or "default". */
  profile?: string
  region?: string
  /** Read only to say where a malformed region came from; the SDK reads the environment itself. */
  env?: NodeJS.ProcessEnv
}

/**
 * ECR through the AWS SDK. Credentials, region and endpoint come from the SDK's own default
 * chain (environment, shared config and credentials files, SSO, container and instance roles,
 * AWS_ENDPOINT_URL_ECR / endpoint_url), so limg behaves like the AWS CLI on the same shell.
 */
export class SdkEcrApi implements EcrApi {
  private readonly client: ECRClient
  private resolvedRegion: string | undefined
  private readonly regionSource: RegionSource

  constructor(options: EcrClientOptions = {}) {
    const env = options.env ?? process.env
    this.regionSource = options.region ? '--region' : env.AWS_REGION ? 'AWS_REGION' : 'the profile in ~/.aws/config'
    this.client = new ECRClient({
      ...(options.profile ? {profile: options.profile} : {}),
      ...(options.region ? {region: options.region} : {}),
    })
  }

  async region(): Promise<string> {
    if (this.resolvedRegion) return this.resolvedRegion
    let region: string | undefined
    try {
      region = await this.client.config.region()
    } catch (error) {
      // The SDK refuses a region that is not a hostname label ("eu_west_1", "x y") by this message.
      const rejected = /region="([^"]*)"/.exec((error as Error).message ?? '')?.[1]
      if (rejected !== undefined) throw malformedRegion(rejected, this.regionSource)
      throw missingRegion(error)
    }
    if (!region) throw missingRegion()
    this.resolvedRegion = checkRegion(region, this.regionSource)
    return region
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
      if ((error as Error).name === 'RepositoryNotFoundException') return undefined
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
    let detail: ImageDetail | undefined
    try {
      const out = await this.client.send(new DescribeImagesCommand({repositoryName: repository, imageIds: [{imageTag: tag}]}))
      detail = out.imageDetails?.[0]
    } catch (error) {
      if ((error as Error).name === 'ImageNotFoundException') return undefined
      throw asRegistryError(error, 'ecr:DescribeImages', await this.regionOrUndefined())
    }
    if (!detail?.imageDigest) return undefined
    return {
      digest: detail.imageDigest,
      tags: detail.imageTags ?? [],
      ...(detail.imageManifestMediaType ? {manifestMediaType: detail.imageManifestMediaType} : {}),
    }
  }

  private async send<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw asRegistryError(error, action, await this.regionOrUndefined())
    }
  }

  private async regionOrUndefined(): Promise<string | undefined> {
    try {
      return await this.region()
    } catch {
      return undefined
    }
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
