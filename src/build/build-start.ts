import {realpath} from 'node:fs/promises'
import {type ArchitectureInfo, type Runtime, deprecationWarning, getArchitecture, getRuntime} from '../catalog/runtimes.js'
import type {ProjectConfig} from '../config/schema.js'
import type {BuildProgressEvent} from './events.js'

/** What a build starts from, whichever builder makes the image. */
export interface BuildStart {
  now: () => number
  /** When the build started (ms), for its duration and the last-build record. */
  started: number
  env: NodeJS.ProcessEnv
  emit: (event: BuildProgressEvent) => void
  /** The project folder's real path: one project reached through a link is one project. */
  projectDir: string
  runtime: Runtime
  arch: ArchitectureInfo
  /** Said at the end of the build; a deprecated runtime's warning comes first. */
  warnings: string[]
}

export async function startBuild(request: {
  projectDir: string
  config: ProjectConfig
  env?: NodeJS.ProcessEnv
  onEvent?: (event: BuildProgressEvent) => void
  now?: () => number
}): Promise<BuildStart> {
  const now = request.now ?? Date.now
  const started = now()
  const runtime = getRuntime(request.config.runtime)
  const deprecated = deprecationWarning(runtime)
  return {
    now,
    started,
    env: request.env ?? process.env,
    emit: request.onEvent ?? (() => {}),
    projectDir: await realpath(request.projectDir),
    runtime,
    arch: getArchitecture(request.config.arch),
    warnings: deprecated ? [deprecated] : [],
  }
}
