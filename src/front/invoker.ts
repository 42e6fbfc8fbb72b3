import {postInvocation} from '../invoke/http.js'
import {invokeKey} from '../invoke/invoke.js'
import type {LockOptions} from '../invoke/lock.js'
import {inTurn} from '../invoke/turns.js'
import {LOOPBACK} from '../run/emulator.js'
import type {Invoker} from './server.js'

/** One warm instance the front door sends to (a `--watch` restart changes the container, not the port). */
export interface InvokeTarget {
  container?: string
  /** Where the emulator is reached; the loopback when absent. */
  host?: string
  port: number
}

/**
 * Sends each event to a free instance, as Lambda sends each request to an execution
 * environment that is not busy; when all are, the request waits for the first to be free
 * (first come, first served). An instance is also taken in turn with `limg invoke` run beside
 * the front door (its lock file), since an emulator takes one invocation at a time.
 */
export function poolInvoker(targets: () => InvokeTarget[], lock: LockOptions = {}): Invoker {
  const busy = new Set<string>()
  const waiting: Array<() => void> = []
  const key = (target: InvokeTarget): string => invokeKey(target.container, target.port)
  const take = async (): Promise<InvokeTarget | undefined> => {
    for (;;) {
      const all = targets()
      if (all.length === 0) return undefined
      const free = all.find((target) => !busy.has(key(target)))
      if (free) {
        busy.add(key(free))
        return free
      }
      await new Promise<void>((resolve) => waiting.push(resolve))
    }
  }
  const give = (target: InvokeTarget): void => {
    busy.delete(key(target))
    waiting.shift()?.()
  }
  return async (event, sink) => {
    const target = await take()
    if (!target) return {error: 'the function is not running yet'}
    try {
      return await inTurn(key(target), lock, () => postInvocation({host: target.host ?? LOOPBACK, port: target.port}, event, lock.signal, sink))
    } finally {
      give(target)
    }
  }
}
