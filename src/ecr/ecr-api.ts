/** What ECR's GetAuthorizationToken gives: `token` is base64 of `AWS:<password>`. */
export interface AuthorizationData {
  token: string
  /** `https://<account>.dkr.ecr.<region>.amazonaws.com` on AWS. */
  proxyEndpoint: string
  expiresAt?: Date
}

export interface RepositorySettings {
  scanOnPush: boolean
  imageTagMutability: 'IMMUTABLE' | 'MUTABLE'
  /** The lifecycle rule keeps this many newest images. */
  maxImages: number
}

export interface RepositoryInfo {
  name: string
  /** `<registry host>/<name>` */
  uri: string
  arn?: string
  registryId?: string
  imageTagMutability: 'IMMUTABLE' | 'MUTABLE'
  scanOnPush: boolean
}

export interface RemoteImage {
  digest: string
  tags: string[]
  manifestMediaType?: string
  /** The manifest as ECR holds it (BatchGetImage's answer carries it). */
  manifest?: string
}

/**
 * The few ECR calls limg makes, so a fake can stand in for the SDK in unit tests. Expected
 * misses (no such repository, no such tag) are values, not exceptions.
 */
export interface EcrApi {
  /** The region the client resolved, for messages and results. */
  region(): Promise<string>
  getAuthorization(): Promise<AuthorizationData>
  describeRepository(name: string): Promise<RepositoryInfo | undefined>
  createRepository(name: string, settings: RepositorySettings): Promise<RepositoryInfo>
  putLifecyclePolicy(name: string, policyText: string): Promise<void>
  findImageByTag(repository: string, tag: string): Promise<RemoteImage | undefined>
}
