import type {ContainerClient, ContainerInfo} from '../docker/containers.js'
import {LocalRunError} from '../errors/index.js'
import {LABEL, projectLabels} from './labels.js'
import {whyStopped} from './stopped.js'
import {type EmulatorAddress, LOOPBACK} from './emulator.js'

/** This project's running function containers, newest first. */
export async function runningContainers(engine: ContainerClient, dir: string): Promise<ContainerInfo[]> {
  const rows = await engine.list(projectLabels(dir))
  const running = rows.filter((r) => r.running).sort((a, b) => b.created - a.created)
  const infos = await Promise.all(running.map((r) => engine.inspect(r.id)))
  return infos.filter((i): i is ContainerInfo => i !== undefined && i.running)
}

/** The container `limg invoke` and `limg logs` talk to: the newest one running for the project (of `running`, when the caller has listed them). */
export async function projectContainer(engine: ContainerClient, dir: string, running?: ContainerInfo[]): Promise<ContainerInfo> {
  const [newest] = running ?? (await runningContainers(engine, dir))
  if (!newest) {
    // A container limg started and nobody removed stopped without `limg stop`: say why.
    const stopped = await newestStopped(engine, dir)
    if (stopped) {
      const reason = await whyStopped(engine, stopped)
      throw new LocalRunError(reason.message, reason.suggestion)
    }
    throw new LocalRunError(`No function of this project (${dir}) is running.`, 'Start it with `limg run --detach` (or `limg run` in another terminal), or pass --port.')
  }
  return newest
}

async function newestStopped(engine: ContainerClient, dir: string): Promise<ContainerInfo | undefined> {
  const rows = await engine.list(projectLabels(dir))
  const [newest] = rows.filter((r) => !r.running && r.labels[LABEL.role] === 'function').sort((a, b) => b.created - a.created)
  return newest ? engine.inspect(newest.id) : undefined
}

/** The container publishing `port`, among those limg started; undefined for a port limg did not publish. */
export async function containerOnPort(engine: ContainerClient, port: number): Promise<ContainerInfo | undefined> {
  const rows = await engine.list({[LABEL.limg]: 'true'})
  for (const row of rows.filter((r) => r.running && r.labels[LABEL.endpoint])) {
    if (endpointPort(row.labels[LABEL.endpoint]) === port) return engine.inspect(row.id)
  }
  return undefined
}

/**
 * Where a function container's emulator is reached: the host and port its endpoint label
 * names (the label names the emulator's port also when the container publishes others, a
 * debugger's), else the loopback and the port it publishes.
 */
export function emulatorAddress(info: ContainerInfo): EmulatorAddress {
  const endpoint = info.labels[LABEL.endpoint]
  const port = endpointPort(endpoint) ?? info.hostPort
  if (!port) throw new LocalRunError(`The container ${info.name} publishes no port.`, 'Stop it with `limg stop` and start it again with `limg run`.')
  return {host: endpointHost(endpoint) ?? LOOPBACK, port}
}

/** The address a container's endpoint label names: the loopback, or a remote engine's host. */
export function endpointHost(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined
  try {
    return new URL(endpoint).hostname.replace(/^\[(.*)\]$/, '$1') || undefined
  } catch {
    return undefined
  }
}

export function endpointPort(endpoint: string | undefined): number | undefined {
  if (!endpoint) return undefined
  try {
    const port = Number(new URL(endpoint).port)
    return port > 0 ? port : undefined
  } catch {
    return undefined
  }
}
