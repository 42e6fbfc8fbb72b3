import {readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'

/** A user name and password for a registry's Basic auth or token service. */
export interface RegistryLogin {
  username: string
  password: string
}

interface DockerConfig {
  auths?: Record<string, {auth?: unknown; username?: unknown; password?: unknown}>
  credsStore?: unknown
  credHelpers?: Record<string, unknown>
}

/** How long a credential helper may take: a keychain prompt is not something limg can answer. */
const HELPER_TIMEOUT_MS = 15_000

/**
 * The login `docker login` stored for `host`, found as the Docker CLI finds it in
 * `$DOCKER_CONFIG/config.json` (else `~/.docker/config.json`): the credential helper
 * `credHelpers` names for the registry, else the `credsStore` one (`docker-credential-<name>
 * get`, the server on stdin, the login as JSON on stdout), else the `auths` entry. Read and
 * kept in memory only; nothing is written.
 */
export async function dockerConfigLogin(host: string, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): Promise<RegistryLogin | undefined> {
  const dir = env.DOCKER_CONFIG?.trim() || join(home, '.docker')
  let config: DockerConfig
  try {
    config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as DockerConfig
  } catch {
    return undefined
  }
  // `docker login` writes Docker Hub as its v1 address, and others with or without a scheme.
  const keys = host === 'registry-1.docker.io' || host === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io'] : [host, `https://${host}`, `http://${host}`, `https://${host}/v2/`]
  const helper = keys.map((key) => config.credHelpers?.[key]).find((name) => typeof name === 'string') ?? config.credsStore
  if (typeof helper === 'string' && helper !== '') {
    for (const key of keys) {
      const login = await askHelper(helper, key, env)
      if (login) return login
    }
  }
  const auths = config.auths ?? {}
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

/**
 * One credential helper's answer for `server`, as the Docker CLI asks it; none when the
 * helper is missing, fails or knows no login for it (it says "credentials not found").
 */
async function askHelper(name: string, server: string, env: NodeJS.ProcessEnv): Promise<RegistryLogin | undefined> {
  // A helper is a program on PATH named for it; a name that is a path is not one.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return undefined
  const answer = await execa(`docker-credential-${name}`, ['get'], {input: server, env, extendEnv: false, reject: false, timeout: HELPER_TIMEOUT_MS})
  if (answer.exitCode !== 0 || answer.failed) return undefined
  try {
    const login = JSON.parse(String(answer.stdout)) as {Username?: unknown; Secret?: unknown}
    // `<token>` marks an identity token for an OAuth refresh, which a registry's Basic auth cannot take.
    if (typeof login.Username !== 'string' || typeof login.Secret !== 'string' || login.Username === '<token>' || login.Secret === '') return undefined
    return {username: login.Username, password: login.Secret}
  } catch {
    return undefined
  }
}
