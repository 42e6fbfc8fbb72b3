import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {LocalRunError} from '../errors/index.js'
import {LockTimeoutError, acquireFileLock} from '../util/file-lock.js'

export interface LockOptions {
  dir?: string
  signal?: AbortSignal
  /** Gives up after this long; an invocation can legitimately hold the lock for 15 minutes. */
  waitMs?: number
  pollMs?: number
  /** Whether a pid is a live process; injectable for tests. */
  isAlive?: (pid: number) => boolean
}

export function defaultLockDir(): string {
  return join(tmpdir(), 'limg-invoke-locks')
}

/**
 * A lock file per container, so separate `limg invoke` processes take turns: AWS's emulator
 * crashes when a second invocation arrives while one runs.
 */
export async function acquireInvokeLock(key: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const file = lockFile(key, options)
  try {
    return await acquireFileLock(file, {
      waitMs: options.waitMs ?? 16 * 60_000,
      ...(options.signal ? {signal: options.signal} : {}),
      ...(options.pollMs !== undefined ? {pollMs: options.pollMs} : {}),
      ...(options.isAlive ? {isAlive: options.isAlive} : {}),
    })
  } catch (error) {
    if (!(error instanceof LockTimeoutError)) throw error
    throw new LocalRunError(
      `Another invocation of this function (pid ${error.holder ?? 'unknown'}) has held ${file} for too long.`,
      `Wait for it to finish, or delete ${file} if no limg invoke is running.`,
    )
  }
}

/** The container's lock if no one holds it now, else undefined: how an invocation finds a free instance. */
export async function tryInvokeLock(key: string, options: LockOptions = {}): Promise<(() => Promise<void>) | undefined> {
  try {
    return await acquireFileLock(lockFile(key, options), {
      waitMs: 0,
      ...(options.signal ? {signal: options.signal} : {}),
      ...(options.isAlive ? {isAlive: options.isAlive} : {}),
    })
  } catch (error) {
    if (error instanceof LockTimeoutError) return undefined
    throw error
  }
}

function lockFile(key: string, options: LockOptions): string {
  return join(options.dir ?? defaultLockDir(), `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`)
}
