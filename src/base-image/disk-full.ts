import {statfs} from 'node:fs/promises'
import {homedir, tmpdir} from 'node:os'
import {join} from 'node:path'
import {DiskFullError} from '../errors/index.js'

/** Below this much free space, the cache's disk is the one that filled up. */
const NEARLY_FULL_BYTES = 64 * 1024 * 1024

/** What one base image's downloads take in the cache (node, npm, the SDK, Debian's packages and lists), rounded up. */
const ONE_IMAGE_MB = 300

/**
 * Whether a failure is a disk that filled up: ENOSPC from our own writes, or the tool's words
 * for it (npm prints ENOSPC, apt and dpkg "No space left on device") in its output.
 */
export function isNoSpace(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    const e = current as {code?: unknown; message?: unknown; details?: unknown; stderr?: unknown; stdout?: unknown; cause?: unknown}
    if (e.code === 'ENOSPC') return true
    const texts = [e.message, e.stderr, e.stdout, ...(Array.isArray(e.details) ? e.details : [])]
    if (texts.some((text) => typeof text === 'string' && /ENOSPC|No space left on device/.test(text))) return true
    current = e.cause
  }
  return false
}

/**
 * The one-line error for a disk that filled up while downloading `item`: the cache folder and
 * how full its disk is when that is the one, else the other folders the tools write to.
 */
export async function diskFullError(
  error: unknown,
  item: string,
  cacheRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  space: (path: string) => Promise<{free: number; total: number} | undefined> = freeSpace,
): Promise<DiskFullError> {
  if (error instanceof DiskFullError) return error
  const where = env.LIMG_CACHE_DIR?.trim() ? 'LIMG_CACHE_DIR' : env.XDG_CACHE_HOME?.trim() ? 'XDG_CACHE_HOME' : 'the default'
  const measured = await space(cacheRoot)
  const again = 'then run `limg base build` again: what finished downloading is kept and reused.'
  const cause = {cause: error}
  if (measured === undefined || measured.free < NEARLY_FULL_BYTES) {
    const figures = measured ? `: ${mb(measured.free)} MB free of ${mb(measured.total)} MB` : ''
    return new DiskFullError(
      `No space left in limg's download cache ${cacheRoot} (${where})${figures}, while downloading ${item}.`,
      `Free space there, or point LIMG_CACHE_DIR at a disk with room (one base image needs about ${ONE_IMAGE_MB} MB of downloads), ${again}`,
      cause,
    )
  }
  return new DiskFullError(
    `No space left on a disk while downloading ${item}; limg's download cache ${cacheRoot} has ${mb(measured.free)} MB free, so it is another folder the download writes to: npm's cache (${join(homedir(), '.npm')}) or the temporary folder (${tmpdir()}).`,
    `Free space on that disk, ${again}`,
    cause,
  )
}

async function freeSpace(path: string): Promise<{free: number; total: number} | undefined> {
  try {
    const stats = await statfs(path)
    return {free: stats.bavail * stats.bsize, total: stats.blocks * stats.bsize}
  } catch {
    return undefined
  }
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}

export interface DiskGuardOptions {
  env?: NodeJS.ProcessEnv
  /** The user's Ctrl-C, passed on to the downloads. */
  signal?: AbortSignal
  /** How often the cache's disk is looked at, and how long it must stay full to stop everything. */
  pollMs?: number
  fullForMs?: number
  /** How full the disk is; replaced in unit tests. */
  freeSpace?: (path: string) => Promise<{free: number; total: number} | undefined>
}

/** Under this much free space, the cache's disk counts as full for the watch. */
const FULL_BYTES = 1024 * 1024

/**
 * Runs the downloads of one base build so that a full disk ends them with a DiskFullError
 * naming the cache folder. A download that runs out of space fails alone: the others go on,
 * since the space it held is freed, and whatever they finish is kept for the next build.
 *
 * apt-get waits forever once it failed to write its package lists, even after space comes back
 * (Debian 12's apt, reproduced on tmpfs). So once the disk has been full, or a download ran out
 * of space, the tools still running are stopped as soon as the disk stops changing for a while:
 * a download that still writes goes on, a hung one is ended. A disk that stays full ends them too.
 */
export class DiskGuard {
  private readonly controller = new AbortController()
  private readonly active = new Set<string>()
  private readonly timer: NodeJS.Timeout
  private fullSince: number | undefined
  /** When the disk was first seen full or a download ran out of space; from then on a still disk stops the rest. */
  private ranOutAt: number | undefined
  private lastFree: number | undefined
  private stillSince: number | undefined

  constructor(
    private readonly cacheRoot: string,
    private readonly options: DiskGuardOptions = {},
  ) {
    const parent = options.signal
    if (parent?.aborted) this.controller.abort(parent.reason)
    parent?.addEventListener('abort', () => this.controller.abort(parent.reason), {once: true})
    this.timer = setInterval(() => void this.look(), options.pollMs ?? 1000)
    this.timer.unref()
  }

  /** What the downloads listen to: the user's Ctrl-C, or a full disk. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  async run<T>(item: string, download: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.active.add(item)
    try {
      return await download(this.controller.signal)
    } catch (error) {
      const reason = this.controller.signal.reason
      if (this.controller.signal.aborted && reason instanceof DiskFullError) throw reason
      if (!isNoSpace(error)) throw error
      this.ranOutAt ??= Date.now()
      throw await diskFullError(error, item, this.cacheRoot, this.options.env, this.options.freeSpace)
    } finally {
      this.active.delete(item)
    }
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private async look(): Promise<void> {
    if (this.controller.signal.aborted || this.active.size === 0) return
    const space = await (this.options.freeSpace ?? freeSpace)(this.cacheRoot)
    if (!space) return
    const now = Date.now()
    const waitMs = this.options.fullForMs ?? 10_000
    const full = space.free < FULL_BYTES
    if (full) this.ranOutAt ??= now
    this.fullSince = full ? (this.fullSince ?? now) : undefined
    this.stillSince = space.free === this.lastFree ? (this.stillSince ?? now) : undefined
    this.lastFree = space.free
    const fullTooLong = this.fullSince !== undefined && now - this.fullSince >= waitMs
    // Stillness counts only from when space ran out: before that, a still disk is a download fetching over the network.
    const stillSinceRanOut = this.ranOutAt !== undefined && this.stillSince !== undefined && now - Math.max(this.stillSince, this.ranOutAt) >= waitMs
    if (!fullTooLong && !stillSinceRanOut) return
    const items = [...this.active].join(', ')
    this.controller.abort(await diskFullError(new Error('ENOSPC'), items, this.cacheRoot, this.options.env, this.options.freeSpace))
  }
}
