import {lookup} from 'node:dns/promises'
import {isIP} from 'node:net'
import {InvalidInputError} from '../errors/index.js'
import {LOOPBACK} from './emulator.js'

/** Where a function's ports are published on the engine's host, and where limg reaches them. */
export interface ContainerHost {
  /** The address limg (invoke, the front door, a debugger) connects to: `127.0.0.1`, the engine host's address. */
  connect: string
  /** The engine host's interface the ports are bound to. */
  bind: string
}

export interface ContainerHostOptions {
  /** `--container-host` (LIMG_CONTAINER_HOST): the address to connect to. */
  host?: string
  /** `--container-host-interface` (LIMG_CONTAINER_HOST_INTERFACE): the engine host's interface to bind. */
  bindInterface?: string
}

/**
 * A local engine publishes on its loopback, where nothing else on the network reaches the
 * function. A remote one (tcp://, ssh://) publishes on the address the engine itself is
 * reached at, which is the one address known to lead from here to there: never on all its
 * interfaces unless asked (`--container-host-interface 0.0.0.0`).
 */
export async function containerHost(engineTarget: string, options: ContainerHostOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<ContainerHost> {
  const host = options.host ?? nonEmpty(env.LIMG_CONTAINER_HOST)
  const bindInterface = options.bindInterface ?? nonEmpty(env.LIMG_CONTAINER_HOST_INTERFACE)
  if (bindInterface !== undefined && isIP(bindInterface) === 0) {
    throw new InvalidInputError(`--container-host-interface "${bindInterface}" is not an IP address.`, 'Give the engine host\'s interface to publish on, such as 0.0.0.0 (all) or 10.0.0.5.')
  }
  const engineHost = remoteHostname(engineTarget)
  const connect = host ?? engineHost ?? LOOPBACK
  if (bindInterface !== undefined) return {connect, bind: bindInterface}
  if (engineHost === undefined) return {connect, bind: LOOPBACK}
  return {connect, bind: await addressOf(engineHost)}
}

/** The engine's host for tcp:// and ssh:// targets; undefined for a socket on this machine. */
export function remoteHostname(engineTarget: string): string | undefined {
  if (engineTarget.startsWith('unix://') || engineTarget.startsWith('npipe://')) return undefined
  try {
    const url = new URL(engineTarget.includes('://') ? engineTarget : `tcp://${engineTarget}`)
    return url.hostname.replace(/^\[(.*)\]$/, '$1') || undefined
  } catch {
    return undefined
  }
}

async function addressOf(hostname: string): Promise<string> {
  if (isIP(hostname) !== 0) return hostname
  try {
    return (await lookup(hostname)).address
  } catch (error) {
    throw new InvalidInputError(
      `Cannot resolve the engine host ${hostname} to an address to publish the function on.`,
      'Pass --container-host-interface with the engine host\'s interface (0.0.0.0 for all of them).',
      {cause: error},
    )
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined
}
