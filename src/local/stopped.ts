import {constants} from 'node:os'
import type {ContainerEngine, ContainerInfo} from '../engine/containers.js'
import {EngineUnavailableError} from '../errors/index.js'

/** Why a function's container is not running, and what to do, each one sentence. */
export interface StoppedReason {
  message: string
  suggestion: string
}

const AGAIN = 'Start it again with `limg run --detach`; `limg stop` removes the stopped container.'

/**
 * Says why the function's container `info` (not running) stopped: the engine restarting, which
 * stops every container; the kernel killing it for memory; or an exit of its own.
 */
export async function whyStopped(engine: ContainerEngine, info: ContainerInfo): Promise<StoppedReason> {
  const name = info.name || info.id.slice(0, 12)
  const started = time(info.startedAt)
  const engineStarted = await engine.engineStartedAt?.().catch(() => undefined)
  if (engineStarted && started && engineStarted.getTime() > started.getTime()) {
    return {
      message: `The function's container ${name} is not running: the Docker engine restarted at ${clock(engineStarted)}, after the function started at ${clock(started)}, and a restart stops every container.`,
      suggestion: AGAIN,
    }
  }
  const finished = time(info.finishedAt)
  const when = finished ? ` at ${clock(finished)}` : ''
  const signal = started && !info.oomKilled ? await engine.lastKillSignal?.(info.id, started).catch(() => undefined) : undefined
  if (signal !== undefined) {
    // limg stop removes what it stops, so a container stopped by a signal was stopped by someone else.
    return {
      message: `The function's container ${name} is not running: the Docker engine stopped it${when} (${signalName(signal)}), because the engine is stopping or restarting, or someone ran \`docker stop\`.`,
      suggestion: `Once the engine answers, start it again with \`limg run --detach\`; \`limg stop\` removes the stopped container.`,
    }
  }
  if (info.oomKilled) {
    return {
      message: `The function's container ${name} is not running: it ran out of memory and was killed${when} (exit ${info.exitCode}).`,
      suggestion: `Raise --memory (or "memory" in limg.json), then ${AGAIN.charAt(0).toLowerCase()}${AGAIN.slice(1)}`,
    }
  }
  return {
    message: `The function's container ${name} is not running: it exited with code ${info.exitCode}${when}.`,
    suggestion: `See its output with \`docker logs ${name}\`. ${AGAIN}`,
  }
}

/** The engine stopped answering while a function ran: it is stopping or restarting. */
export function engineStoppedAnswering(target: string, during: string): StoppedReason {
  return {
    message: `The Docker engine at ${target} stopped answering ${during}: it is stopping or restarting, which stops the function's container.`,
    suggestion: 'Once it answers again, start the function with `limg run --detach`; `limg stop` removes the stopped container.',
  }
}

export function isEngineGone(error: unknown): boolean {
  return error instanceof EngineUnavailableError
}

/** Docker's times, with its zero time ("0001-01-01T00:00:00Z") as none. */
function time(value: string | undefined): Date | undefined {
  if (!value || value.startsWith('0001-')) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

function clock(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

function signalName(signal: number): string {
  const name = Object.entries(constants.signals).find(([, number]) => number === signal)?.[0]
  return name ?? `signal ${signal}`
}
