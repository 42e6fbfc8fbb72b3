import {stat} from 'node:fs/promises'
import {resolve} from 'node:path'
import {type ArchitectureInfo, type Runtime, getArchitecture, getRuntime} from '../catalog/runtimes.js'
import {loadProjectConfig} from '../config/load.js'
import {type ConfigOverrides, resolveConfig} from '../config/resolve.js'
import type {ProjectConfig} from '../config/schema.js'
import type {DockerClient} from '../docker/client.js'
import type {EcrApi} from '../ecr/ecr-api.js'
import {InvalidInputError} from '../errors/index.js'

/** Where AWS calls go: a named profile and a region, each from the SDK's default chain when unset. */
export interface AwsSettings {
  profile?: string
  region?: string
}

/**
 * What every use-case runs with: the process's environment, Ctrl-C as a signal, a place to
 * say what the user should know, and the outside systems' clients, each made once, here and
 * nowhere else, and only when a use-case first asks for it (dockerode and the AWS SDK cost
 * a fifth of a second to load, which `limg init` and `--help` should not pay).
 */
export interface AppContext {
  readonly env: NodeJS.ProcessEnv
  readonly signal?: AbortSignal
  /** Told about what is odd but not wrong: a limg.json key limg does not know, settings carried over. */
  readonly warn: (message: string) => void
  /** The Docker engine DOCKER_HOST names (or the local socket), checked to answer. */
  docker(): Promise<DockerClient>
  /** Amazon ECR through the SDK, for one profile and region. */
  ecr(aws: AwsSettings): Promise<EcrApi>
}

export interface ContextOptions {
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  warn?: (message: string) => void
  /** Stand-ins for tests; production leaves them out. */
  clients?: {docker?: () => Promise<DockerClient>; ecr?: (aws: AwsSettings) => Promise<EcrApi>}
}

export function createContext(options: ContextOptions = {}): AppContext {
  const env = options.env ?? process.env
  let docker: Promise<DockerClient> | undefined
  const ecrClients = new Map<string, Promise<EcrApi>>()
  return {
    env,
    ...(options.signal ? {signal: options.signal} : {}),
    warn: options.warn ?? (() => {}),
    docker() {
      docker ??= options.clients?.docker?.() ?? import('../docker/client.js').then(({openDocker}) => openDocker(env, options.signal))
      // A failed connection is not kept: the caller sees the error, a later call tries again.
      docker.catch(() => (docker = undefined))
      return docker
    },
    ecr(aws) {
      const key = `${aws.profile ?? ''}\n${aws.region ?? ''}`
      let client = ecrClients.get(key)
      if (!client) {
        client = options.clients?.ecr?.(aws) ?? import('../ecr/sdk-ecr-api.js').then(({openEcr}) => openEcr(aws, env))
        ecrClients.set(key, client)
      }
      return client
    },
  }
}

/** One project's settings, resolved once: limg.json, then LIMG_* variables, then flags, as typed records. */
export interface ProjectSettings {
  /** The project folder, absolute. */
  dir: string
  config: ProjectConfig
  runtime: Runtime
  arch: ArchitectureInfo
}

/**
 * Reads `dir`'s limg.json (warning about keys limg does not know) and applies LIMG_* and the
 * flags given, the one place this happens for every command.
 *
 * @throws InvalidInputError for a missing folder or limg.json, or a setting limg refuses
 */
export async function projectSettings(context: AppContext, dir: string, overrides: ConfigOverrides = {}): Promise<ProjectSettings> {
  const folder = resolve(dir)
  const config = resolveConfig(await loadProjectConfig(folder, {onWarning: context.warn}), overrides, context.env)
  return {dir: folder, config, runtime: getRuntime(config.runtime), arch: getArchitecture(config.arch)}
}

/** The project folder, which must exist, for commands that can work without its limg.json. */
export async function projectFolder(dir: string, suggestion: string): Promise<string> {
  const folder = resolve(dir)
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) {
    throw new InvalidInputError(`The project folder ${folder} does not exist.`, suggestion)
  }
  return folder
}
