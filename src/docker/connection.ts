import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {STATUS_CODES} from 'node:http'
import {EngineUnavailableError, InvalidInputError} from '../errors/index.js'
import type {EngineTransport} from './engine-http.js'

export const DEFAULT_SOCKET = '/var/run/docker.sock'
/** Where a rootful `podman system service` (podman.socket) listens. */
export const PODMAN_SOCKET = '/run/podman/podman.sock'
/** How long the engine has to answer a ping or a plain API call, unless LIMG_ENGINE_TIMEOUT says otherwise. */
export const DEFAULT_ENGINE_TIMEOUT_SECONDS = 30

export interface EngineConnection {
  transport: EngineTransport
  /** Where limg tried to reach the engine, for messages: `unix:///var/run/docker.sock`, `tcp://host:2376`. */
  target: string
  /**
   * The bound on connecting, the ping and every plain API call (inspect, create, remove...);
   * undefined for none. Streams (builds, pulls, pushes, followed logs) are never bound by it.
   */
  timeoutMs?: number
  /** How limg chose the target when DOCKER_HOST did not name it and Docker's socket was absent. */
  found?: string
}

/**
 * LIMG_ENGINE_TIMEOUT, in seconds (fractions allowed, 0 for no bound), else 30 s: an address
 * that accepts connections and never answers would otherwise hang every command.
 */
export function engineTimeoutMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.LIMG_ENGINE_TIMEOUT?.trim()
  if (!raw) return DEFAULT_ENGINE_TIMEOUT_SECONDS * 1000
  const seconds = Number(raw)
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidInputError(`LIMG_ENGINE_TIMEOUT="${raw}" is not a number of seconds.`, `Set it to how long the engine may take to answer, e.g. LIMG_ENGINE_TIMEOUT=60 (0 waits forever; default ${DEFAULT_ENGINE_TIMEOUT_SECONDS}).`)
  }
  return seconds === 0 ? undefined : Math.round(seconds * 1000)
}

/**
 * Reads DOCKER_HOST (unix://, tcp://, ssh://), DOCKER_TLS_VERIFY and DOCKER_CERT_PATH the way
 * the Docker CLI does, so limg talks to the same engine as `docker` on this shell.
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): EngineConnection {
  const timeoutMs = engineTimeoutMs(env)
  const bound = timeoutMs === undefined ? {} : {timeoutMs}
  return {...connectionTarget(env), ...bound}
}

function connectionTarget(env: NodeJS.ProcessEnv): EngineConnection {
  const host = env.DOCKER_HOST?.trim()
  if (!host) return localSocket(env)
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length) || DEFAULT_SOCKET
    return {transport: {socketPath}, target: `unix://${socketPath}`}
  }
  let url: URL
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`)
  } catch (error) {
    throw new InvalidInputError(
      `DOCKER_HOST="${host}" is not a valid engine address.`,
      'Use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host.',
      {cause: error},
    )
  }
  if (url.protocol === 'ssh:') {
    const username = decodeURIComponent(url.username)
    return {
      transport: {ssh: {host: url.hostname, port: Number(url.port || 22), ...(username ? {username} : {}), ...(env.SSH_AUTH_SOCK ? {agent: env.SSH_AUTH_SOCK} : {})}},
      target: host,
    }
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    // A typo in the environment is bad input (exit 2), not an engine that is down (exit 3).
    throw new InvalidInputError(`DOCKER_HOST="${host}" uses an unsupported scheme "${url.protocol}".`, 'Use unix://, tcp:// or ssh://.')
  }
  const tls = Boolean(env.DOCKER_TLS_VERIFY) || url.port === '2376' || url.protocol === 'https:'
  const endpoint = {host: url.hostname, port: Number(url.port || (tls ? 2376 : 2375))}
  if (!tls) return {transport: endpoint, target: host}
  const certPath = env.DOCKER_CERT_PATH || join(homedir(), '.docker')
  try {
    const read = (name: string): Buffer => readFileSync(join(certPath, name))
    return {transport: {...endpoint, tls: {ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem')}}, target: host}
  } catch (error) {
    throw new EngineUnavailableError(
      `DOCKER_TLS_VERIFY is set but the client certificates in ${certPath} (ca.pem, cert.pem, key.pem) cannot be read.`,
      'Set DOCKER_CERT_PATH to the folder holding them.',
      {cause: error},
    )
  }
}

/**
 * Docker's socket, else Podman's when only Podman runs here: the rootless user's
 * ($XDG_RUNTIME_DIR/podman/podman.sock, where `systemctl --user start podman.socket` puts it)
 * before the system's (/run/podman/podman.sock), as `podman system service` makes them.
 */
export function localSocket(env: NodeJS.ProcessEnv, sockets = {docker: DEFAULT_SOCKET, podman: PODMAN_SOCKET}, uid = process.getuid?.()): EngineConnection {
  const docker = {transport: {socketPath: sockets.docker}, target: `unix://${sockets.docker}`}
  if (existsSync(sockets.docker)) return docker
  const runtimeDir = env.XDG_RUNTIME_DIR?.trim() || (uid === undefined ? undefined : `/run/user/${uid}`)
  const podman = [...(uid !== 0 && runtimeDir ? [join(runtimeDir, 'podman', 'podman.sock')] : []), sockets.podman]
  const found = podman.find((socket) => existsSync(socket))
  if (!found) return docker
  return {transport: {socketPath: found}, target: `unix://${found}`, found: `DOCKER_HOST is unset and there is no Docker socket at ${sockets.docker}`}
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE'])

/** Turns a socket-level failure into the message users need; other errors pass through. */
export function asEngineError(error: unknown, target: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  // Node's HTTP parser failed: something answered, but not in HTTP (an SSH or database port).
  if (code?.startsWith('HPE_')) return notAnEngine(target, 'it did not answer in HTTP', error)
  if (code === 'EPROTO' || code?.startsWith('ERR_SSL_')) {
    return new EngineUnavailableError(
      `Cannot talk TLS with the Docker engine at ${target} (${code}).`,
      'Use tcp://host:2375 for an engine without TLS, or tcp://host:2376 with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH for one with TLS.',
      {cause: error},
    )
  }
  if (!code || !UNREACHABLE.has(code)) return error
  const why = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'no such socket' : code
  const hint =
    code === 'EACCES'
      ? 'Add your user to the docker group, or run with access to the socket.'
      : 'Start the engine (systemctl start docker, or dockerd in the background; for Podman, systemctl start podman.socket or podman system service), or point DOCKER_HOST at a running one.'
  return new EngineUnavailableError(`Cannot reach the Docker engine at ${target} (${why}).`, hint, {cause: error})
}

/** A ping answered by something other than a Docker engine (a web server, a proxy's error page). */
export function notAnEngine(target: string, why: string, cause?: unknown): EngineUnavailableError {
  return new EngineUnavailableError(
    `${target} answered, but is not a Docker engine (${why}).`,
    'Point DOCKER_HOST at the engine itself: unix:///var/run/docker.sock, tcp://host:2375 (2376 with TLS) or ssh://user@host.',
    {cause},
  )
}

/** `HTTP 404 Not Found`, for an engine's or an impostor's status code. */
export function describeStatus(statusCode: number): string {
  return `HTTP ${statusCode}${STATUS_CODES[statusCode] ? ` ${STATUS_CODES[statusCode]}` : ''}`
}

/** The engine took longer than LIMG_ENGINE_TIMEOUT to answer. */
export function engineTimeoutError(target: string, timeoutMs: number): EngineUnavailableError {
  const seconds = Number((timeoutMs / 1000).toFixed(3))
  return new EngineUnavailableError(
    `The Docker engine at ${target} did not answer within ${seconds} s.`,
    'Check that the engine runs and DOCKER_HOST points at it (an address that accepts connections and stays silent is not an engine); LIMG_ENGINE_TIMEOUT=<seconds> waits longer.',
  )
}
