import {createHash} from 'node:crypto'
import {mkdir, open, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Engine} from '../engine/engine.js'
import {InterruptedError} from '../errors/index.js'
import {processIsAlive} from '../local/invoke-lock.js'
import {sleep} from '../util/sleep.js'
import {type BuildRequest, type BuildResult, buildProject, defaultTag} from './build.js'

export interface BuildLockOptions {
  /** Where the lock files live; one per engine and tag. */
  dir?: string
  pollMs?: number
  /** Called once when another build holds the tag, with that build's pid. */
  onWait?: (holder: {pid: number | undefined; tag: string}) => void
  isAlive?: (pid: number) => boolean
}

export function defaultBuildLockDir(): string {
  return join(tmpdir(), 'limg-build-locks')
}

/**
 * `limg build` one tag at a time. Two builds of one tag at once would both tag their image and
 * both report it, while the tag names only the last; the second build also checked an image the
 * tag may no longer name. So a build of a tag another limg build on this machine is making waits
 * for it (and says so), then builds, and its result is what the tag names when it returns.
 */
export async function buildProjectLocked(engine: Engine, request: BuildRequest, options: BuildLockOptions = {}): Promise<BuildResult> {
  const tag = request.tag ?? defaultTag(request.config.name, request.config.arch)
  const started = Date.now()
  let waited: {pid: number | undefined} | undefined
  const release = await acquireBuildLock(engine.target, tag, {
    ...options,
    ...(request.signal ? {signal: request.signal} : {}),
    onWait: (waitingFor) => {
      waited = waitingFor
      options.onWait?.(waitingFor)
    },
  })
  try {
    const waitedMs = Date.now() - started
    const result = await buildProject(engine, request)
    const warnings = [...result.warnings]
    if (waited) {
      warnings.push(`Another limg build of ${tag}${waited.pid ? ` (pid ${waited.pid})` : ''} was running; this build waited ${(waitedMs / 1000).toFixed(1)} s for it, and ${tag} now names this build's image.`)
    }
    // Builds on other machines sharing a remote engine take no lock here: say so if one won.
    const named = await engine.inspectImage(result.image)
    if (named && named.id !== result.imageId) {
      warnings.push(`${result.image} was replaced while this build checked its image: it now names ${named.id.slice(0, 19)}, not this build's ${result.imageId.slice(0, 19)}.`)
    }
    return {...result, warnings}
  } finally {
    await release()
  }
}

/** Takes the lock for `tag` on `engineTarget`, waiting while a live limg process holds it. */
export async function acquireBuildLock(engineTarget: string, tag: string, options: BuildLockOptions & {signal?: AbortSignal} = {}): Promise<() => Promise<void>> {
  const dir = options.dir ?? defaultBuildLockDir()
  const key = createHash('sha256').update(`${engineTarget}\n${tag}`).digest('hex').slice(0, 24)
  const file = join(dir, `${key}.lock`)
  const isAlive = options.isAlive ?? processIsAlive
  const mine = `${process.pid}\n${tag}\n`
  let told = false
  await mkdir(dir, {recursive: true})
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new InterruptedError()
    try {
      const handle = await open(file, 'wx')
      try {
        await handle.writeFile(mine)
      } finally {
        await handle.close()
      }
      return async () => {
        // Only our own lock: one taken over after we were thought dead is someone else's.
        if ((await readFile(file, 'utf8').catch(() => '')) === mine) await rm(file, {force: true})
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const content = await readFile(file, 'utf8').catch(() => undefined)
    if (content === undefined) continue
    const pid = Number.parseInt(content, 10)
    // A holder that died (Ctrl-C twice, kill -9) leaves its lock behind: take it over. An empty
    // lock is one being written, unless it has stayed empty for seconds.
    const dead = content === '' ? await olderThan(file, 5000) : !Number.isInteger(pid) || !isAlive(pid)
    if (dead) {
      await rm(file, {force: true})
      continue
    }
    if (!told) {
      told = true
      options.onWait?.({pid: Number.isInteger(pid) ? pid : undefined, tag})
    }
    await sleep(options.pollMs ?? 100, options.signal)
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined)
  return info !== undefined && Date.now() - info.mtimeMs > ms
}
