import {mkdir, mkdtemp, readdir, rename, rm, stat} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {acquireFileLock, processIsAlive} from '../util/file-lock.js'

const LOCK_POLL_MS = 200

/**
 * A folder of finished entries. Each entry is produced in a temporary folder on the same file
 * system and renamed into place, so an interrupted download leaves garbage in `tmp/`, never a
 * half-written entry; a lock per entry keeps concurrent limg processes from fetching the same
 * thing twice.
 */
export class DownloadCache {
  private swept = false

  constructor(readonly root: string) {}

  /** The entry's folder, produced by `produce(tempDir)` first when it is not there yet. */
  async ensure(key: string, produce: (tempDir: string) => Promise<void>, signal?: AbortSignal): Promise<{dir: string; cached: boolean}> {
    const dir = join(this.root, key)
    if (await exists(dir)) return {dir, cached: true}
    await this.sweepTemp()
    return this.withLock(
      key,
      async () => {
        if (await exists(dir)) return {dir, cached: true}
        await mkdir(join(this.root, 'tmp'), {recursive: true})
        const temp = await mkdtemp(join(this.root, 'tmp', `${process.pid}-`))
        try {
          await produce(temp)
          signal?.throwIfAborted()
          await mkdir(dirname(dir), {recursive: true})
          await rename(temp, dir)
        } finally {
          await rm(temp, {recursive: true, force: true})
        }
        return {dir, cached: false}
      },
      signal,
    )
  }

  /** Runs `fn` while holding the named lock; a lock whose holder died is taken over. */
  async withLock<T>(name: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const lockPath = join(this.root, 'locks', `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.lock`)
    const release = await acquireFileLock(lockPath, {pollMs: LOCK_POLL_MS, ...(signal ? {signal} : {})})
    try {
      return await fn()
    } finally {
      await release()
    }
  }

  /** Removes temporary folders left by processes that no longer run (Ctrl-C, a crash). */
  private async sweepTemp(): Promise<void> {
    if (this.swept) return
    this.swept = true
    const names = await readdir(join(this.root, 'tmp')).catch(() => [] as string[])
    await Promise.all(
      names
        .filter((name) => !isAlive(Number(name.split('-')[0])))
        .map((name) => rm(join(this.root, 'tmp', name), {recursive: true, force: true})),
    )
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

function isAlive(pid: number): boolean {
  return Number.isInteger(pid) && pid > 0 && processIsAlive(pid)
}
