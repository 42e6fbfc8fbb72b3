import {mkdir, open, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {InterruptedError, LocalRunError} from '../errors/index.js'
import {sleep} from '../util/sleep.js'

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

/** Signal 0 checks existence; EPERM means it exists but belongs to someone else. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * A lock file per container, so separate `limg invoke` processes take turns: AWS's emulator
 * crashes when a second invocation arrives while one runs. Created with O_EXCL holding the
 * holder's pid; a lock whose holder has died (Ctrl-C, kill -9) is taken over.
 */
export async function acquireInvokeLock(key: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const dir = options.dir ?? defaultLockDir()
  const file = join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`)
  const isAlive = options.isAlive ?? processIsAlive
  const deadline = Date.now() + (options.waitMs ?? 16 * 60_000)
  let pollMs = options.pollMs ?? 5
  await mkdir(dir, {recursive: true})
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new InterruptedError()
    try {
      const handle = await open(file, 'wx')
      await handle.writeFile(`${process.pid}\n`)
      await handle.close()
      return async () => {
        await rm(file, {force: true})
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = await readHolder(file)
    // An empty file is a holder between create and write, unless it has stayed empty a while.
    if (holder === undefined ? await olderThan(file, 5000) : !isAlive(holder)) {
      await rm(file, {force: true})
      continue
    }
    if (Date.now() > deadline) {
      throw new LocalRunError(
        `Another invocation of this function (pid ${holder ?? 'unknown'}) has held ${file} for too long.`,
        `Wait for it to finish, or delete ${file} if no limg invoke is running.`,
      )
    }
    await sleep(pollMs, options.signal)
    pollMs = Math.min(pollMs * 2, 50)
  }
}

async function readHolder(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined)
  return info !== undefined && Date.now() - info.mtimeMs > ms
}
