import {stat} from 'node:fs/promises'
import {resolve} from 'node:path'
import {type ArchitectureInfo, type Runtime, getArchitecture, getRuntime} from '../catalog/runtimes.js'
import {loadProjectConfig} from '../config/load.js'
import {type ConfigOverrides, resolveConfig} from '../config/resolve.js'
import type {ProjectConfig} from '../config/schema.js'
import type {LogsApi} from '../cloudwatch-logs/logs-api.js'
import type {DockerClient} from '../docker/client.js'
import type {EcrApi} from '../ecr/ecr-api.js'
import type {IamApi} from '../iam/iam-api.js'
import type {LambdaApi} from '../lambda/lambda-api.js'
import {InvalidInputError} from '../errors/index.js'
import {refuseRepositoryRoot} from '../repository/repository.js'

/** Where AWS calls go: a named profile and a region, each from the SDK's default chain when unset. */
export interface AwsSettings {
  profile?: string
  region?: string
}

/**
 * What every use-case runs with: the process's environment, Ctrl-C as a signal, a place to
 * say what the user should know, and the outside systems' clients, each made once, here and
 * nowhere else, and only when a use-case first asks for it (the AWS SDK costs a fifth of a
 * second to load, which `limg init` and `--help` should not pay).
 */
export interface AppContext {
  readonly env: NodeJS.ProcessEnv
  readonly signal?: AbortSignal
  /** Told about what is odd but not wrong: a limg.json key limg does not know, settings carried over. */
  readonly warn: (message: string) => void
  /** Told what the user should know but not keep: which engine answered when it is not Docker. */
  readonly note: (line: string) => void
  /** The Docker engine DOCKER_HOST names (or the local socket), checked to answer. */
  docker(): Promise<DockerClient>
  /** Amazon ECR through the SDK, for one profile and region. */
  ecr(aws: AwsSettings): Promise<EcrApi>
  /** AWS Lambda through the SDK, for one profile and region. */
  lambda(aws: AwsSettings): Promise<LambdaApi>
  /** IAM through the SDK, for one profile and region. */
  iam(aws: AwsSettings): Promise<IamApi>
  /** CloudWatch Logs through the SDK, for one profile and region. */
  logs(aws: AwsSettings): Promise<LogsApi>
}

interface AwsClients {
  ecr: EcrApi
  lambda: LambdaApi
  iam: IamApi
  logs: LogsApi
}

export interface ContextOptions {
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  warn?: (message: string) => void
  note?: (line: string) => void
  /** Stand-ins for tests; production leaves them out. */
  clients?: {docker?: () => Promise<DockerClient>} & {[K in keyof AwsClients]?: (aws: AwsSettings) => Promise<AwsClients[K]>}
}

/** Each AWS client's SDK adapter, loaded on first use: the SDK costs a tenth of a second per client. */
const SDK_ADAPTERS: {[K in keyof AwsClients]: (options: ReturnType<typeof clientOptionsFor>) => Promise<AwsClients[K]>} = {
  ecr: async (options) => new (await import('../ecr/sdk-ecr-api.js')).SdkEcrApi(options),
  lambda: async (options) => new (await import('../lambda/sdk-lambda-api.js')).SdkLambdaApi(options),
  iam: async (options) => new (await import('../iam/sdk-iam-api.js')).SdkIamApi(options),
  logs: async (options) => new (await import('../cloudwatch-logs/sdk-logs-api.js')).SdkLogsApi(options),
}

function clientOptionsFor(aws: AwsSettings, env: NodeJS.ProcessEnv) {
  return {...(aws.profile ? {profile: aws.profile} : {}), ...(aws.region ? {region: aws.region} : {}), env}
}

export function createContext(options: ContextOptions = {}): AppContext {
  const env = options.env ?? process.env
  let docker: Promise<DockerClient> | undefined
  const aws = new Map<string, Promise<unknown>>()
  const client = <K extends keyof AwsClients>(kind: K, settings: AwsSettings): Promise<AwsClients[K]> => {
    const key = `${kind}\n${settings.profile ?? ''}\n${settings.region ?? ''}`
    let made = aws.get(key) as Promise<AwsClients[K]> | undefined
    if (!made) {
      const stand = options.clients?.[kind] as ((s: AwsSettings) => Promise<AwsClients[K]>) | undefined
      made = stand ? stand(settings) : import('../aws/sdk-environment.js').then(({prepareSdkEnvironment}) => {
        prepareSdkEnvironment(settings, env)
        return SDK_ADAPTERS[kind](clientOptionsFor(settings, env))
      })
      aws.set(key, made)
    }
    return made
  }
  return {
    env,
    ...(options.signal ? {signal: options.signal} : {}),
    warn: options.warn ?? (() => {}),
    note: options.note ?? (() => {}),
    docker() {
      docker ??= options.clients?.docker?.() ?? import('../docker/client.js').then(({openDocker}) => openDocker(env, options.signal)).then((client) => {
        // Podman's API is Docker's with differences (see the README): say when it is the one answering.
        if (client.engineName?.startsWith('Podman')) options.note?.(`Using ${client.engineName} at ${client.target}${client.found ? ` (${client.found})` : ''}.`)
        return client
      })
      // A failed connection is not kept: the caller sees the error, a later call tries again.
      docker.catch(() => (docker = undefined))
      return docker
    },
    ecr: (settings) => client('ecr', settings),
    lambda: (settings) => client('lambda', settings),
    iam: (settings) => client('iam', settings),
    logs: (settings) => client('logs', settings),
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
export async function projectSettings(context: AppContext, dir: string, overrides: ConfigOverrides = {}, command?: string): Promise<ProjectSettings> {
  const folder = resolve(dir)
  if (command) await refuseRepositoryRoot(folder, command)
  const config = resolveConfig(await loadProjectConfig(folder, {onWarning: context.warn}), overrides, context.env)
  return {dir: folder, config, runtime: getRuntime(config.runtime), arch: getArchitecture(config.arch)}
}

/** The project folder, which must exist, for commands that can work without its limg.json. */
export async function projectFolder(dir: string, suggestion: string, command?: string): Promise<string> {
  const folder = resolve(dir)
  if (command) await refuseRepositoryRoot(folder, command)
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) {
    throw new InvalidInputError(`The project folder ${folder} does not exist.`, suggestion)
  }
  return folder
}
