import {postInvocation} from '../invoke/http.js'
import {invokeKey} from '../invoke/invoke.js'
import type {LockOptions} from '../invoke/lock.js'
import {inTurn} from '../invoke/turns.js'
import {LOOPBACK} from '../run/emulator.js'
import type {Invoker} from './server.js'

/** The function the front door sends to, as it is now (a `--watch` restart changes the container, not the port). */
export interface InvokeTarget {
  container?: string
  port: number
}

/**
 * Sends each event to the emulator when it is the front door's turn, as `limg invoke` does:
 * requests never overlap in one container, also with `limg invoke` run beside the front door.
 */
export function emulatorInvoker(target: () => InvokeTarget | undefined, lock: LockOptions = {}): Invoker {
  return async (event, sink) => {
    const now = target()
    if (!now) return {error: 'the function is not running yet'}
    return inTurn(invokeKey(now.container, now.port), lock, () => postInvocation({host: LOOPBACK, port: now.port}, event, lock.signal, sink))
  }
}
