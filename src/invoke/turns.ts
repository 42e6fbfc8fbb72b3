import {acquireInvokeLock, type LockOptions} from './lock.js'

const queues = new Map<string, Promise<unknown>>()

/**
 * Runs `work` when it is this caller's turn on the container `key`: after the invocations
 * queued before it in this process, and while holding the container's lock file, so that
 * separate limg processes (`limg invoke`, a front door) never overlap either. AWS's emulator
 * crashes when a second invocation arrives while one runs.
 */
export async function inTurn<T>(key: string, lock: LockOptions, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve()
  const mine = previous.catch(() => undefined).then(async () => {
    const release = await acquireInvokeLock(key, lock)
    try {
      return await work()
    } finally {
      await release()
    }
  })
  queues.set(key, mine)
  try {
    return await mine
  } finally {
    if (queues.get(key) === mine) queues.delete(key)
  }
}
