import {missingRegion} from './errors.js'
import {type RegionSource, checkRegion, malformedRegion} from './region.js'

/** What every AWS client limg makes is told; the SDK's default chain supplies the rest. */
export interface AwsClientOptions {
  /** A named profile from the shared config; otherwise AWS_PROFILE or "default". */
  profile?: string
  region?: string
  /** Read only to say where a malformed region came from; the SDK reads the environment itself. */
  env?: NodeJS.ProcessEnv
}

/** The SDK client settings for the options: nothing set that the default chain should decide. */
export function sdkClientConfig(options: AwsClientOptions): {profile?: string; region?: string} {
  return {...(options.profile ? {profile: options.profile} : {}), ...(options.region ? {region: options.region} : {})}
}

/**
 * A client's region, resolved once by the SDK's chain and checked as `limg push` checks it: a
 * malformed one (`eu_west_1`, `EU-WEST-1`) is bad input (exit 2), a missing one says where to set it.
 */
export class ClientRegion {
  private resolved: string | undefined
  private readonly source: RegionSource

  constructor(
    private readonly provider: () => Promise<string>,
    options: AwsClientOptions,
  ) {
    const env = options.env ?? process.env
    this.source = options.region ? '--region' : env.AWS_REGION ? 'AWS_REGION' : 'the profile in ~/.aws/config'
  }

  async get(): Promise<string> {
    if (this.resolved) return this.resolved
    let region: string | undefined
    try {
      region = await this.provider()
    } catch (error) {
      // The SDK refuses a region that is not a hostname label ("eu_west_1", "x y") by this message.
      const rejected = /region="([^"]*)"/.exec((error as Error).message ?? '')?.[1]
      if (rejected !== undefined) throw malformedRegion(rejected, this.source)
      throw missingRegion(error)
    }
    if (!region) throw missingRegion()
    this.resolved = checkRegion(region, this.source)
    return region
  }

  /** The region for a message, when it can be had. */
  async orUndefined(): Promise<string | undefined> {
    try {
      return await this.get()
    } catch {
      return undefined
    }
  }
}
