import {readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'

/** A user name and password for a registry's Basic auth or token service. */
export interface RegistryLogin {
  username: string
  password: string
}

/**
 * The login `docker login` stored for `host` in the `auths` of `$DOCKER_CONFIG/config.json`
 * (else `~/.docker/config.json`), read and kept in memory only. Credential helpers
 * (`credsStore`, `credHelpers`) keep their secrets elsewhere and are not asked.
 */
export async function dockerConfigLogin(host: string, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): Promise<RegistryLogin | undefined> {
  const dir = env.DOCKER_CONFIG?.trim() || join(home, '.docker')
  let auths: Record<string, {auth?: unknown; username?: unknown; password?: unknown}>
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {auths?: typeof auths}
    auths = config.auths ?? {}
  } catch {
    return undefined
  }
  // `docker login` writes Docker Hub as its v1 address, and others with or without a scheme.
  const keys = host === 'registry-1.docker.io' || host === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io'] : [host, `https://${host}`, `http://${host}`, `https://${host}/v2/`]
  for (const key of keys) {
    const entry = auths[key]
    if (!entry) continue
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon > 0) return {username: decoded.slice(0, colon), password: decoded.slice(colon + 1)}
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string') return {username: entry.username, password: entry.password}
  }
  return undefined
}
