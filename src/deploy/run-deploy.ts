import {resolve} from 'node:path'
import {readLastBuild} from '../build/last-build.js'
import {loadProjectConfig} from '../config/load.js'
import {resolveConfig} from '../config/resolve.js'
import {validateName, validateRepository} from '../config/schema.js'
import {createEngine} from '../engine/docker-engine.js'
import {enginePusher} from '../engine/push.js'
import {InvalidInputError} from '../errors/index.js'
import type {RolePlan} from '../iam/execution-role.js'
import {pushToEcr} from '../push/push-to-ecr.js'
import {repositorySettings} from '../push/run-push.js'
import {builtImageRef} from '../push/source-image.js'
import {checkRegion} from '../registry/region.js'
import {type DeployResult, deployFunction} from './deploy.js'
import type {DeployEvent} from './events.js'
import {deploySettings} from './function-settings.js'

export interface DeployCommandRequest {
  dir: string
  functionName?: string
  image?: string
  arch?: string
  repository?: string
  tag?: string
  createRepository: boolean
  role?: string
  createRole: boolean
  confirmRoleCreation?: (plan: RolePlan) => Promise<boolean>
  publish: boolean
  alias?: string
  region?: string
  profile?: string
  waitTimeoutSeconds?: number
  signal?: AbortSignal
  onEvent?: (event: DeployEvent) => void
  /** Told about limg.json keys limg does not know, and the architecture carried from the last build. */
  onWarning?: (message: string) => void
  onCarried?: (arch: string) => void
  env?: NodeJS.ProcessEnv
}

/**
 * `limg deploy`: settings from limg.json, LIMG_* and flags (the architecture of the last
 * `limg build` when none is given, as `limg run` does); the engine, ECR, Lambda and IAM as
 * the SDK's default chain configures them.
 */
export async function runDeploy(request: DeployCommandRequest): Promise<DeployResult> {
  const env = request.env ?? process.env
  // A malformed --region is refused before the engine or AWS is asked anything.
  if (request.region !== undefined) checkRegion(request.region, '--region')
  if (request.alias !== undefined && !/^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(request.alias)) {
    throw new InvalidInputError(`Invalid alias "${request.alias}": Lambda wants 1 to 128 of A-Z, a-z, 0-9, "-" and "_", not only digits.`, 'Choose a name like "live" or "prod".')
  }
  const dir = resolve(request.dir)
  const project = await loadProjectConfig(dir, request.onWarning ? {onWarning: request.onWarning} : {})
  const carried = request.arch === undefined ? (await readLastBuild(dir, env))?.settings.arch : undefined
  if (carried !== undefined) request.onCarried?.(carried)
  const config = resolveConfig(project, {arch: request.arch ?? carried}, env)
  const functionName = validateName(request.functionName ?? config.name)
  const repository = validateRepository(request.repository ?? config.ecr.repository)
  const settings = deploySettings(config)
  const image = request.image ?? builtImageRef(config.name, config.arch)

  const engine = await createEngine(env, request.signal)
  // The SDK clients are loaded here, not at start-up: `limg deploy --help` should not pay for them.
  const [{SdkEcrApi}, {SdkLambdaApi}, {SdkIamApi}] = await Promise.all([
    import('../registry/sdk-ecr-api.js'),
    import('../lambda/sdk-lambda-api.js'),
    import('../iam/sdk-iam-api.js'),
  ])
  const clientOptions = {...(request.profile ? {profile: request.profile} : {}), ...(request.region ? {region: request.region} : {}), env}
  const ecr = new SdkEcrApi(clientOptions)
  return deployFunction(
    {
      engine,
      lambda: new SdkLambdaApi(clientOptions),
      iam: new SdkIamApi(clientOptions),
      push: (onEvent) =>
        pushToEcr(
          {
            image,
            imageExplicit: request.image !== undefined,
            arch: config.arch,
            repository,
            settings: repositorySettings(config),
            createRepository: request.createRepository,
            ...(request.tag ? {tag: request.tag} : {}),
            ...(request.signal ? {signal: request.signal} : {}),
            onEvent,
          },
          {engine, pusher: enginePusher(engine), ecr},
        ),
    },
    {
      functionName,
      image,
      imageExplicit: request.image !== undefined,
      arch: config.arch,
      settings,
      tags: config.tags ?? {},
      ...((request.role ?? config.role) !== undefined ? {role: request.role ?? config.role} : {}),
      createRole: request.createRole,
      ...(request.confirmRoleCreation ? {confirmRoleCreation: request.confirmRoleCreation} : {}),
      publish: request.publish,
      ...(request.alias !== undefined ? {alias: request.alias} : {}),
      ...(request.waitTimeoutSeconds !== undefined ? {waitTimeoutMs: request.waitTimeoutSeconds * 1000} : {}),
      ...(request.signal ? {signal: request.signal} : {}),
    },
    request.onEvent,
  )
}
