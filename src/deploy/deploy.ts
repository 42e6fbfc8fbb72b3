import type {Architecture} from '../catalog/runtimes.js'
import type {ImageClient} from '../docker/images.js'
import {AwsError} from '../errors/index.js'
import type {IamApi} from '../iam/iam-api.js'
import {type RolePlan, resolveExecutionRole} from '../iam/execution-role.js'
import type {AliasInfo, FunctionSettings, FunctionStatus, LambdaApi, RemoteFunction} from '../lambda/lambda-api.js'
import {isRoleNotAssumable} from '../lambda/lambda-errors.js'
import type {PushEvent} from '../push/events.js'
import type {PushResult} from '../push/push-to-ecr.js'
import {resolveSourceImage} from '../push/source-image.js'
import {sleep as abortableSleep} from '../util/sleep.js'
import type {DeployEvent} from './events.js'
import {type DeploySettings, changedSettings, missingTags} from './function-settings.js'
import {checkArchitecture, checkImageSize, checkSameRegion} from './image-checks.js'
import {DEFAULT_WAIT_TIMEOUT_MS, type WaitContext, waitForFunction, withConflictRetry} from './wait.js'
import {throwIfAborted} from '../util/abort.js'

export interface DeployDependencies {
  images: Pick<ImageClient, 'inspect'>
  lambda: LambdaApi
  iam: IamApi
  /** limg push's orchestration for the image: pushes it (or finds it there already) and checks what ECR holds. */
  push: (onEvent: (event: PushEvent) => void) => Promise<PushResult>
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  pollDelaysMs?: readonly number[]
  roleRetryDelaysMs?: readonly number[]
}

export interface DeployRequest {
  functionName: string
  /** The local image to deploy (`<name>:<arch>`, as limg build tags it). */
  image: string
  imageExplicit: boolean
  arch: Architecture
  settings: DeploySettings
  tags: Record<string, string>
  /** An ARN or a role name, from --role or limg.json. */
  role?: string
  createRole: boolean
  confirmRoleCreation?: (plan: RolePlan) => Promise<boolean>
  publish: boolean
  alias?: string
  waitTimeoutMs?: number
  signal?: AbortSignal
}

export interface DeployResult {
  functionName: string
  functionArn: string
  /** The published version, or `$LATEST`. */
  version: string
  /** The image by digest, as given to Lambda. */
  imageUri: string
  state: string | null
  lastUpdateStatus: string | null
  durationMs: number
  region: string
  architecture: Architecture
  created: boolean
  codeUpdated: boolean
  /** The settings that were changed on an existing function. */
  configurationChanged: string[]
  roleArn: string
  roleCreated: boolean
  alias: AliasInfo | null
  push: {imageUri: string; digest: string; repository: string; alreadyPushed: boolean; bytesUploaded: number}
  warnings: string[]
}

/**
 * A role IAM has just created reaches Lambda within seconds: CreateFunction is tried again
 * after each delay while Lambda says it cannot assume it.
 */
export const ROLE_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 3000, 5000, 5000, 8000, 8000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000]

/**
 * `limg deploy`: the project's image pushed to ECR (or found there), then the function created
 * from it, or its code and then its configuration updated, waiting after each step for the
 * states AWS documents; optionally a version published and an alias pointed at it. Everything
 * that can be checked locally (architecture, size, environment, region) is, before any call.
 */
export async function deployFunction(deps: DeployDependencies, request: DeployRequest, onEvent: (event: DeployEvent) => void = () => {}): Promise<DeployResult> {
  const now = deps.now ?? Date.now
  const sleep = deps.sleep ?? abortableSleep
  const started = now()
  const warnings: string[] = []
  const emit = onEvent
  const name = request.functionName

  emit({type: 'phase', phase: 'image', message: `Checking local image ${request.image} for Lambda (architecture, size)`})
  const local = await resolveSourceImage(deps.images, request.image, request.arch, request.imageExplicit)
  checkImageSize(local, request.image)
  const region = await deps.lambda.region()

  const existing = await deps.lambda.getFunction(name)
  if (existing && existing.status.packageType && existing.status.packageType !== 'Image') {
    throw new AwsError(
      `The function ${name} exists in ${region} as a ${existing.status.packageType} function; Lambda cannot turn it into a container image function.`,
      'Deploy under another name with --function, or delete the function first.',
    )
  }
  let roleArn = existing?.status.settings.role ?? ''
  let roleCreated = false
  if (!existing || request.role !== undefined) {
    emit({type: 'phase', phase: 'role', message: request.role ? `Execution role ${request.role}` : 'Finding the execution role'})
    const role = await resolveExecutionRole(
      {iam: deps.iam, sleep},
      {
        functionName: name,
        ...(request.role !== undefined ? {role: request.role} : {}),
        create: request.createRole,
        ...(request.confirmRoleCreation ? {confirm: request.confirmRoleCreation} : {}),
        ...(request.signal ? {signal: request.signal} : {}),
      },
      (event) => emit({type: 'phase', phase: 'role', message: event.message}),
    )
    roleArn = role.roleArn
    roleCreated = role.created
  } else if (request.createRole) {
    warnings.push(`The function ${name} exists and keeps its execution role ${roleArn}; --create-role made no role.`)
  }
  const settings: FunctionSettings = {...request.settings, role: roleArn}

  emit({type: 'phase', phase: 'push', message: 'Pushing the image to ECR'})
  const pushed = await deps.push((event) => emit({type: 'push', event}))
  checkArchitecture(pushed.architecture, request.arch, `The image ${pushed.digestUri}`)
  checkSameRegion(pushed.digestUri, region)
  throwIfAborted(request.signal)

  // The bound is on waiting for Lambda, so it starts once the image is in ECR: a slow upload does not eat into it.
  const wait: WaitContext = {
    lambda: deps.lambda,
    emit,
    deadline: now() + (request.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS),
    ...(request.signal ? {signal: request.signal} : {}),
    now,
    sleep,
    ...(deps.pollDelaysMs ? {pollDelaysMs: deps.pollDelaysMs} : {}),
  }

  let status: FunctionStatus
  let codeUpdated = true
  let configurationChanged: string[] = []
  if (!existing) {
    status = await createFunction(deps, wait, {name, imageUri: pushed.digestUri, arch: request.arch, settings, tags: request.tags, roleCreated, signal: request.signal}, emit, now, sleep)
  } else {
    const updated = await updateFunction(wait, deps.lambda, existing, {imageUri: pushed.digestUri, arch: request.arch, settings, tags: request.tags}, emit)
    status = updated.status
    codeUpdated = updated.codeUpdated
    configurationChanged = updated.configurationChanged
  }

  let version = '$LATEST'
  let functionArn = status.functionArn
  if (request.publish || request.alias) {
    emit({type: 'phase', phase: 'publish', message: `Publishing a version of ${name}`})
    const published = await withConflictRetry(wait, name, 'publish a version', () =>
      deps.lambda.publishVersion(name, {...(status.codeSha256 ? {codeSha256: status.codeSha256} : {}), ...(status.revisionId ? {revisionId: status.revisionId} : {})}),
    )
    version = published.version
    functionArn = published.functionArn
    status = await waitForFunction(wait, name, 'active', version)
  }
  let alias: AliasInfo | null = null
  if (request.alias) {
    const aliasName = request.alias
    emit({type: 'phase', phase: 'alias', message: `Pointing the alias ${aliasName} at version ${version}`})
    const current = await deps.lambda.getAlias(name, aliasName)
    alias = await withConflictRetry(wait, name, `point the alias ${aliasName}`, () =>
      current ? deps.lambda.updateAlias(name, aliasName, version, current.revisionId) : deps.lambda.createAlias(name, aliasName, version),
    )
  }

  return {
    functionName: name,
    functionArn,
    version,
    imageUri: pushed.digestUri,
    state: status.state ?? null,
    lastUpdateStatus: status.lastUpdateStatus ?? null,
    durationMs: now() - started,
    region,
    architecture: request.arch,
    created: !existing,
    codeUpdated,
    configurationChanged,
    roleArn,
    roleCreated,
    alias,
    push: {imageUri: pushed.imageUri, digest: pushed.digest, repository: pushed.repository, alreadyPushed: pushed.alreadyPushed, bytesUploaded: pushed.bytesUploaded},
    warnings: [...pushed.warnings, ...warnings],
  }
}

interface CreateSpec {
  name: string
  imageUri: string
  arch: Architecture
  settings: FunctionSettings
  tags: Record<string, string>
  roleCreated: boolean
  signal: AbortSignal | undefined
}

async function createFunction(
  deps: DeployDependencies,
  wait: WaitContext,
  spec: CreateSpec,
  emit: (event: DeployEvent) => void,
  now: () => number,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
): Promise<FunctionStatus> {
  emit({type: 'phase', phase: 'create', message: `Creating the function ${spec.name} from ${spec.imageUri}`})
  const delays = deps.roleRetryDelaysMs ?? ROLE_RETRY_DELAYS_MS
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.lambda.createFunction({name: spec.name, imageUri: spec.imageUri, architecture: spec.arch, settings: spec.settings, tags: spec.tags})
      break
    } catch (error) {
      // Only a role limg has just created is waited for; any other role Lambda refuses is the user's to fix.
      const retry = spec.roleCreated && isRoleNotAssumable(error) && attempt < delays.length && now() + delays[attempt] < wait.deadline
      if (!retry) throw error
      emit({type: 'retry', what: 'create the function (the new role is not yet usable by Lambda)', attempt: attempt + 1, delayMs: delays[attempt], reason: (error as Error).message})
      await sleep(delays[attempt], spec.signal)
      throwIfAborted(spec.signal)
    }
  }
  return waitForFunction(wait, spec.name, 'active')
}

interface UpdateSpec {
  imageUri: string
  arch: Architecture
  settings: FunctionSettings
  tags: Record<string, string>
}

async function updateFunction(
  wait: WaitContext,
  lambda: LambdaApi,
  existing: RemoteFunction,
  spec: UpdateSpec,
  emit: (event: DeployEvent) => void,
): Promise<{status: FunctionStatus; codeUpdated: boolean; configurationChanged: string[]}> {
  const name = existing.status.functionName
  // Lambda refuses any change while an update is in progress: let the one under way finish first.
  let status = await waitForFunction(wait, name, 'settled')
  const sameImage = (existing.imageUri === spec.imageUri || existing.resolvedImageUri === spec.imageUri) && status.architectures.includes(spec.arch)
  const codeUpdated = !sameImage || status.lastUpdateStatus === 'Failed'
  if (codeUpdated) {
    // UpdateFunctionCode takes the architecture too: the function follows its image, as limg.json says.
    const switching = !status.architectures.includes(spec.arch) ? ` (from ${status.architectures.join(', ')} to ${spec.arch})` : ''
    emit({type: 'phase', phase: 'code', message: `Updating the code of ${name} to ${spec.imageUri}${switching}`})
    await withConflictRetry(wait, name, 'update the code', () => lambda.updateFunctionCode(name, {imageUri: spec.imageUri, architecture: spec.arch}))
    status = await waitForFunction(wait, name, 'updated')
  } else {
    emit({type: 'phase', phase: 'code', message: `${name} already runs ${spec.imageUri}`})
  }
  const changed = changedSettings(status.settings, spec.settings)
  if (changed.length > 0) {
    emit({type: 'phase', phase: 'configuration', message: `Updating the configuration of ${name}: ${changed.join(', ')}`})
    await withConflictRetry(wait, name, 'update the configuration', () => lambda.updateFunctionConfiguration(name, spec.settings))
    status = await waitForFunction(wait, name, 'updated')
  }
  const tags = missingTags(existing.tags, spec.tags)
  if (Object.keys(tags).length > 0) {
    emit({type: 'phase', phase: 'tags', message: `Tagging ${name}: ${Object.keys(tags).join(', ')}`})
    await withConflictRetry(wait, name, 'tag the function', () => lambda.tagResource(existing.status.functionArn, tags))
  }
  return {status, codeUpdated, configurationChanged: changed}
}

