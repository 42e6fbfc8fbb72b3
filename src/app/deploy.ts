import {resolve} from 'node:path'
import {checkRegion} from '../aws/region.js'
import {readLastBuild} from '../build/last-build.js'
import {projectImageTag} from '../config/image-tag.js'
import {validateName, validateRepository} from '../config/schema.js'
import {type DeployResult, deployFunction} from '../deploy/deploy.js'
import type {DeployEvent} from '../deploy/events.js'
import {deploySettings} from '../deploy/function-settings.js'
import {InvalidInputError} from '../errors/index.js'
import {enclosingRepository} from '../repository/repository.js'
import type {RolePlan} from '../iam/execution-role.js'
import {pushToEcr} from '../push/push-to-ecr.js'
import {type AppContext, projectSettings} from './context.js'
import {repositorySettings} from './push.js'

export interface DeployRequest {
  dir: string
  functionName?: string
  image?: string
  arch?: string
  repository?: string
  tag?: string
  createRepository: boolean
  role?: string
  createRole: boolean
  /** Asked, on a terminal, before limg creates an execution role no flag asked for. */
  confirmRoleCreation?: (plan: RolePlan) => Promise<boolean>
  publish: boolean
  alias?: string
  region?: string
  profile?: string
  waitTimeoutSeconds?: number
}

/**
 * `limg deploy`: settings from limg.json, LIMG_* and flags (the architecture of the last
 * `limg build` when none is given, as `limg run` does); the engine, ECR, Lambda and IAM from
 * the context.
 */
export async function deploy(context: AppContext, request: DeployRequest, onEvent?: (event: DeployEvent) => void): Promise<DeployResult> {
  // A malformed --region is refused before the engine or AWS is asked anything.
  if (request.region !== undefined) checkRegion(request.region, '--region')
  if (request.alias !== undefined && !/^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(request.alias)) {
    throw new InvalidInputError(`Invalid alias "${request.alias}": Lambda wants 1 to 128 of A-Z, a-z, 0-9, "-" and "_", not only digits.`, 'Choose a name like "live" or "prod".')
  }
  const carried = request.arch === undefined ? (await readLastBuild(resolve(request.dir), context.env))?.settings.arch : undefined
  if (carried !== undefined) onEvent?.({type: 'carried', arch: carried})
  const {config} = await projectSettings(context, request.dir, {arch: request.arch ?? carried})
  const functionName = validateName(request.functionName ?? config.name)
  if (request.functionName !== undefined && request.functionName !== config.name) await refuseSiblingName(request.dir, request.functionName)
  const repository = validateRepository(request.repository ?? config.ecr.repository)
  const image = request.image ?? projectImageTag(config.name, config.arch)
  const aws = {...(request.profile ? {profile: request.profile} : {}), ...(request.region ? {region: request.region} : {})}
  const [docker, ecr, lambda, iam] = await Promise.all([context.docker(), context.ecr(aws), context.lambda(aws), context.iam(aws)])
  return deployFunction(
    {
      images: docker.images,
      lambda,
      iam,
      push: (onPushEvent) =>
        pushToEcr(
          {
            image,
            imageExplicit: request.image !== undefined,
            arch: config.arch,
            repository,
            settings: repositorySettings(config),
            createRepository: request.createRepository,
            ...(request.tag ? {tag: request.tag} : {}),
            ...(context.signal ? {signal: context.signal} : {}),
            onEvent: onPushEvent,
          },
          {images: docker.images, ecr},
        ),
    },
    {
      functionName,
      image,
      imageExplicit: request.image !== undefined,
      arch: config.arch,
      settings: deploySettings(config),
      tags: config.tags ?? {},
      ...((request.role ?? config.role) !== undefined ? {role: request.role ?? config.role} : {}),
      createRole: request.createRole,
      ...(request.confirmRoleCreation ? {confirmRoleCreation: request.confirmRoleCreation} : {}),
      publish: request.publish,
      ...(request.alias !== undefined ? {alias: request.alias} : {}),
      ...(request.waitTimeoutSeconds !== undefined ? {waitTimeoutMs: request.waitTimeoutSeconds * 1000} : {}),
      ...(context.signal ? {signal: context.signal} : {}),
    },
    onEvent,
  )
}

/**
 * `--function NAME` in a function's folder is the Lambda function to deploy it as; naming a
 * sibling of the same repository there would put this function's image on the sibling's
 * Lambda function, which is never what was meant.
 */
async function refuseSiblingName(dir: string, name: string): Promise<void> {
  const sibling = (await enclosingRepository(dir))?.functions.find((fn) => fn.name === name)
  if (!sibling) return
  throw new InvalidInputError(
    `--function ${name} is another function of this repository (${sibling.path}); here it would deploy this folder's image as that function.`,
    `To deploy ${name}, run \`limg deploy --function ${name}\` at the repository's root or in ${sibling.path}; to deploy this one under another name, choose one no function of the repository has.`,
  )
}
