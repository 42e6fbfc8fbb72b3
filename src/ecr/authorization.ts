import {RegistryError} from '../errors/index.js'
import type {AuthorizationData, EcrApi} from './ecr-api.js'

/** Registry credentials decoded from an ECR token; held in memory for one push. */
export interface RegistryCredentials {
  username: 'AWS'
  password: string
  /** As ECR gives it: `https://<account>.dkr.ecr.<region>.amazonaws.com`. */
  proxyEndpoint: string
  /** `host[:port]`, the registry part of image references. */
  registryHost: string
  expiresAt?: Date
}

/** Decodes `authorizationToken` (base64 of `AWS:<password>`) and checks its shape. */
export function decodeAuthorization(data: AuthorizationData): RegistryCredentials {
  const decoded = Buffer.from(data.token, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  const user = colon > 0 ? decoded.slice(0, colon) : ''
  const password = colon > 0 ? decoded.slice(colon + 1) : ''
  if (user !== 'AWS' || password === '') {
    throw new RegistryError(
      'ECR returned an authorization token that is not of the form AWS:<password>.',
      'Check that AWS_ENDPOINT_URL_ECR / endpoint_url (if set) points at Amazon ECR, then push again.',
    )
  }
  return {username: 'AWS', password, proxyEndpoint: data.proxyEndpoint, registryHost: registryHost(data.proxyEndpoint), ...(data.expiresAt ? {expiresAt: data.expiresAt} : {})}
}

/** `https://123.dkr.ecr.eu-west-1.amazonaws.com` -> `123.dkr.ecr.eu-west-1.amazonaws.com`. */
export function registryHost(proxyEndpoint: string): string {
  let url: URL
  try {
    url = new URL(proxyEndpoint.includes('://') ? proxyEndpoint : `https://${proxyEndpoint}`)
  } catch (error) {
    throw new RegistryError(`ECR returned an unusable registry address "${proxyEndpoint}".`, undefined, {cause: error})
  }
  return url.host
}

/** Tokens close to expiry are renewed before use: a layer upload can take minutes. */
export const RENEW_BEFORE_MS = 10 * 60 * 1000

/**
 * Hands out registry credentials, fetching a token on first use and again when the one held
 * is near its `expiresAt` or was refused.
 */
export class TokenSource {
  private current: RegistryCredentials | undefined
  private fetches = 0

  constructor(
    private readonly ecr: Pick<EcrApi, 'getAuthorization'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many tokens were fetched, for results and tests. */
  get fetchCount(): number {
    return this.fetches
  }

  async get(): Promise<RegistryCredentials> {
    if (this.current && !this.nearExpiry(this.current)) return this.current
    this.fetches += 1
    this.current = decodeAuthorization(await this.ecr.getAuthorization())
    return this.current
  }

  /** Forgets the token held, after the registry refused it. */
  invalidate(): void {
    this.current = undefined
  }

  private nearExpiry(credentials: RegistryCredentials): boolean {
    return credentials.expiresAt !== undefined && credentials.expiresAt.getTime() - this.now() < RENEW_BEFORE_MS
  }
}
