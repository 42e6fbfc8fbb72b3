import {TokenSource} from '../ecr/authorization.js'
import type {EcrApi} from '../ecr/ecr-api.js'
import {dockerConfigLogin} from '../registry/docker-config.js'
import {apiHost} from '../registry/reference.js'
import {RegistryHttp, isLoopback} from '../registry/registry-http.js'

const ECR_HOST = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/

export interface RegistryAccess {
  /** ECR for a region: for base images in a private repository or a pull-through cache. */
  ecr?: (region: string) => Promise<EcrApi>
  /** Registries whose credentials limg holds already (the ECR registry a build pushes to). */
  known?: Map<string, TokenSource>
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
}

/**
 * A client for the registry named in an image reference, with the credentials it takes:
 * an ECR registry gets a token from ECR through the SDK (in memory only), another registry
 * the `docker login` the user has for it, else none (anonymous, with a Bearer token when
 * the registry asks). Loopback registries are spoken to over plain HTTP, as Docker does.
 */
export function registryOpener(access: RegistryAccess): (registry: string) => Promise<RegistryHttp> {
  return async (registry) => {
    const host = apiHost(registry)
    const scheme = isLoopback(host.replace(/:\d+$/, '')) ? 'http' : 'https'
    const known = access.known?.get(host)
    const region = ECR_HOST.exec(host)?.[1]
    if (known || (region && access.ecr)) {
      const tokens = known ?? new TokenSource(await access.ecr!(region!))
      const credentials = await tokens.get()
      return new RegistryHttp({proxyEndpoint: known ? credentials.proxyEndpoint : `https://${host}`, username: credentials.username, password: credentials.password}, access.signal)
    }
    const login = await dockerConfigLogin(host, access.env)
    return new RegistryHttp({proxyEndpoint: `${scheme}://${host}`, ...(login ?? {})}, access.signal)
  }
}
