import {createHash} from 'node:crypto'
import {realpathSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {cacheRoot} from '../util/cache-root.js'
import {writeJsonAtomically} from '../util/json-file.js'

/** The `limg build` flags a later `limg run` (and `run --watch`) rebuilds with, unless told otherwise. */
export interface BuildSettings {
  arch?: string
  baseImage?: string
  /** Absolute path. */
  dockerfile?: string
  /** Absolute path. */
  caCert?: string
  /** `engine` or `direct`. */
  builder?: string
}

/** What limg remembers of a project's last successful build, outside the project. */
export interface LastBuild {
  image: string
  imageId: string
  /** When the build started (ms): files changed after this are not in the image. */
  startedAt: number
  settings: BuildSettings
}

function recordFile(projectDir: string, env: NodeJS.ProcessEnv): string {
  // The real path: one project reached through a symbolic link is still one project.
  let dir = resolve(projectDir)
  try {
    dir = realpathSync(dir)
  } catch {
    // A folder that is gone has no build to remember; the name is as good as any.
  }
  const id = createHash('sha256').update(dir).digest('hex').slice(0, 16)
  return join(cacheRoot(env), 'builds', `${id}.json`)
}

/** The project's last successful build, or undefined when limg has none on record. */
export async function readLastBuild(projectDir: string, env: NodeJS.ProcessEnv = process.env): Promise<LastBuild | undefined> {
  try {
    const record = JSON.parse(await readFile(recordFile(projectDir, env), 'utf8')) as Partial<LastBuild>
    if (typeof record.imageId !== 'string' || typeof record.image !== 'string' || typeof record.startedAt !== 'number') return undefined
    return {image: record.image, imageId: record.imageId, startedAt: record.startedAt, settings: record.settings ?? {}}
  } catch {
    return undefined
  }
}

/** Records a successful build; written whole through a rename, so a reader never sees half a record. */
export async function recordLastBuild(projectDir: string, build: LastBuild, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await writeJsonAtomically(recordFile(projectDir, env), build)
}
