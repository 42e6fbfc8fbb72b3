import {randomBytes} from 'node:crypto'
import {mkdir, mkdtemp, open, readFile, readdir, rename, rm, stat, unlink} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {InterruptedError} from '../errors/index.js'

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

  /** Runs `fn` while holding the named lock; a lock whose owner died is taken over. */
  async withLock<T>(name: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const lockPath = join(this.root, 'locks', `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.lock`)
    await mkdir(dirname(lockPath), {recursive: true})
    const token = `${process.pid} ${randomBytes(6).toString('hex')}`
    for (;;) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new InterruptedError()
      try {
        const handle = await open(lockPath, 'wx')
        try {
          await handle.writeFile(token)
        } catch (error) {
          // A full disk: an empty lock left behind would make the next run wait for its owner.
          await handle.close()
          await unlink(lockPath).catch(() => {})
          throw error
        }
        await handle.close()
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        if (await ownerIsGone(lockPath)) {
          await unlink(lockPath).catch(() => {})
          continue
        }
        await sleep(LOCK_POLL_MS)
      }
    }
    try {
      return await fn()
    } finally {
      const current = await readFile(lockPath, 'utf8').catch(() => '')
      if (current === token) await unlink(lockPath).catch(() => {})
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

async function ownerIsGone(lockPath: string): Promise<boolean> {
  const content = await readFile(lockPath, 'utf8').catch(() => undefined)
  if (content === undefined) return false
  // An empty lock is one being written right now, unless its writer died between open and write.
  if (!content) return Date.now() - (await stat(lockPath).then((s) => s.mtimeMs).catch(() => Date.now())) > 10_000
  return !isAlive(Number(content.split(' ')[0]))
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
