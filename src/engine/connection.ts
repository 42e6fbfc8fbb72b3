import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import type {DockerOptions} from 'dockerode'
import {EngineUnavailableError} from '../errors/index.js'

export const DEFAULT_SOCKET = '/var/run/docker.sock'

export interface EngineConnection {
  options: DockerOptions
  /** Where limg tried to reach the engine, for messages: `unix:///var/run/docker.sock`, `tcp://host:2376`. */
  target: string
}

/**
 * Reads DOCKER_HOST (unix://, tcp://, ssh://), DOCKER_TLS_VERIFY and DOCKER_CERT_PATH the way
 * the Docker CLI does, so limg talks to the same engine as `docker` on this shell.
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): EngineConnection {
  const host = env.DOCKER_HOST?.trim()
  if (!host) return {options: {socketPath: DEFAULT_SOCKET}, target: `unix://${DEFAULT_SOCKET}`}
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length) || DEFAULT_SOCKET
    return {options: {socketPath}, target: `unix://${socketPath}`}
  }
  let url: URL
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`)
  } catch (error) {
    throw new EngineUnavailableError(
      `DOCKER_HOST="${host}" is not a valid engine address.`,
      'Use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host.',
      {cause: error},
    )
  }
  if (url.protocol === 'ssh:') {
    return {
      options: {
        protocol: 'ssh',
        host: url.hostname,
        port: url.port || 22,
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: {agent: env.SSH_AUTH_SOCK},
      } as DockerOptions,
      target: host,
    }
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EngineUnavailableError(`DOCKER_HOST="${host}" uses an unsupported scheme "${url.protocol}".`, 'Use unix://, tcp:// or ssh://.')
  }
  const tls = Boolean(env.DOCKER_TLS_VERIFY) || url.port === '2376' || url.protocol === 'https:'
  const options: DockerOptions = {
    protocol: tls ? 'https' : 'http',
    host: url.hostname,
    port: url.port || (tls ? 2376 : 2375),
  }
  if (tls) {
    const certPath = env.DOCKER_CERT_PATH || join(homedir(), '.docker')
    try {
      options.ca = readFileSync(join(certPath, 'ca.pem'))
      options.cert = readFileSync(join(certPath, 'cert.pem'))
      options.key = readFileSync(join(certPath, 'key.pem'))
    } catch (error) {
      throw new EngineUnavailableError(
        `DOCKER_TLS_VERIFY is set but the client certificates in ${certPath} (ca.pem, cert.pem, key.pem) cannot be read.`,
        'Set DOCKER_CERT_PATH to the folder holding them.',
        {cause: error},
      )
    }
  }
  return {options, target: host}
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE'])

/** Turns a socket-level failure into the message users need; other errors pass through. */
export function asEngineError(error: unknown, target: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (!code || !UNREACHABLE.has(code)) return error
  const why = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'no such socket' : code
  const hint =
    code === 'EACCES'
      ? 'Add your user to the docker group, or run with access to the socket.'
      : 'Start the engine (systemctl start docker, or dockerd in the background), or point DOCKER_HOST at a running one.'
  return new EngineUnavailableError(`Cannot reach the Docker engine at ${target} (${why}).`, hint, {cause: error})
}
