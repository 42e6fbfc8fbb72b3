import {randomBytes} from 'node:crypto'
import {mkdir, open, readFile, stat, unlink} from 'node:fs/promises'
import {dirname} from 'node:path'
import {abortReason} from './abort.js'
import {sleep} from './sleep.js'

export interface FileLockOptions {
  signal?: AbortSignal
  /** Gives up after this long (undefined: waits as long as the holder lives). */
  waitMs?: number
  /** The longest pause between looks at a held lock; the first are shorter. Default 50 ms. */
  pollMs?: number
  /** Called once, when the lock is held by another live process, with its pid. */
  onWait?: (holder: number | undefined) => void
  /** Whether a pid is a live process; injectable for tests. */
  isAlive?: (pid: number) => boolean
}

/** Why a lock could not be taken within `waitMs`; the caller says what that means to users. */
export class LockTimeoutError extends Error {
  constructor(
    readonly file: string,
    readonly holder: number | undefined,
  ) {
    super(`The lock ${file} is still held${holder ? ` by pid ${holder}` : ''}.`)
    this.name = 'LockTimeoutError'
  }
}

// A lock is created and then written: an empty one is its holder between the two, unless it
// has stayed empty this long (the holder died in between).
const EMPTY_LOCK_STALE_MS = 10_000

/**
 * A lock file shared by limg processes on this machine: created with O_EXCL and holding its
 * holder's pid and a token; a lock whose holder has died (Ctrl-C twice, kill -9, a crash) is
 * taken over. Resolves with the release, which removes the lock only while it is still this
 * holder's.
 *
 * @throws LockTimeoutError after `waitMs`; the signal's reason on Ctrl-C
 */
export async function acquireFileLock(file: string, options: FileLockOptions = {}): Promise<() => Promise<void>> {
  const isAlive = options.isAlive ?? processIsAlive
  const deadline = options.waitMs === undefined ? undefined : Date.now() + options.waitMs
  const mine = `${process.pid} ${randomBytes(6).toString('hex')}\n`
  const maxPollMs = options.pollMs ?? 50
  let pollMs = Math.min(5, maxPollMs)
  let told = false
  await mkdir(dirname(file), {recursive: true})
  for (;;) {
    if (options.signal?.aborted) throw abortReason(options.signal)
    try {
      const handle = await open(file, 'wx')
      try {
        await handle.writeFile(mine)
      } catch (error) {
        // A full disk: an empty lock left behind would make the next run wait for its holder.
        await handle.close()
        await unlink(file).catch(() => {})
        throw error
      }
      await handle.close()
      return async () => {
        if ((await readFile(file, 'utf8').catch(() => '')) === mine) await unlink(file).catch(() => {})
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const content = await readFile(file, 'utf8').catch(() => undefined)
    if (content === undefined) continue
    const holder = Number.parseInt(content, 10)
    const gone = content === '' ? await olderThan(file, EMPTY_LOCK_STALE_MS) : !Number.isInteger(holder) || holder <= 0 || !isAlive(holder)
    if (gone) {
      await unlink(file).catch(() => {})
      continue
    }
    if (!told) {
      told = true
      options.onWait?.(Number.isInteger(holder) ? holder : undefined)
    }
    if (deadline !== undefined && Date.now() > deadline) throw new LockTimeoutError(file, Number.isInteger(holder) ? holder : undefined)
    await sleep(pollMs, options.signal)
    pollMs = Math.min(pollMs * 2, maxPollMs)
  }
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

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined)
  return info !== undefined && Date.now() - info.mtimeMs > ms
}
