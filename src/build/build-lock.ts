import {createHash} from 'node:crypto'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {DockerClient} from '../docker/client.js'
import {acquireFileLock} from '../util/file-lock.js'
import {projectImageTag} from '../config/image-tag.js'
import {type BuildRequest, type BuildResult, buildProject} from './build.js'

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
export async function buildProjectLocked(docker: Pick<DockerClient, 'images' | 'target'>, request: BuildRequest, options: BuildLockOptions = {}): Promise<BuildResult> {
  const tag = request.tag ?? projectImageTag(request.config.name, request.config.arch)
  const started = Date.now()
  let waited: {pid: number | undefined} | undefined
  const release = await acquireBuildLock(docker.target, tag, {
    ...options,
    ...(request.signal ? {signal: request.signal} : {}),
    onWait: (waitingFor) => {
      waited = waitingFor
      options.onWait?.(waitingFor)
    },
  })
  try {
    const waitedMs = Date.now() - started
    const result = await buildProject(docker.images, request)
    const warnings = [...result.warnings]
    if (waited) {
      warnings.push(`Another limg build of ${tag}${waited.pid ? ` (pid ${waited.pid})` : ''} was running; this build waited ${(waitedMs / 1000).toFixed(1)} s for it, and ${tag} now names this build's image.`)
    }
    // Builds on other machines sharing a remote engine take no lock here: say so if one won.
    const named = await docker.images.inspect(result.image)
    if (named && named.id !== result.imageId) {
      warnings.push(`${result.image} was replaced while this build checked its image: it now names ${named.id.slice(0, 19)}, not this build's ${result.imageId.slice(0, 19)}.`)
    }
    return {...result, warnings}
  } finally {
    await release()
  }
}

/** Takes the lock for `tag` on `engineTarget`, waiting while a live limg process holds it. */
export function acquireBuildLock(engineTarget: string, tag: string, options: BuildLockOptions & {signal?: AbortSignal} = {}): Promise<() => Promise<void>> {
  const key = createHash('sha256').update(`${engineTarget}\n${tag}`).digest('hex').slice(0, 24)
  return acquireFileLock(join(options.dir ?? defaultBuildLockDir(), `${key}.lock`), {
    pollMs: options.pollMs ?? 100,
    ...(options.signal ? {signal: options.signal} : {}),
    ...(options.isAlive ? {isAlive: options.isAlive} : {}),
    onWait: (pid) => options.onWait?.({pid, tag}),
  })
}
