import {type Architecture, getArchitecture} from '../catalog/runtimes.js'
import type {ImageClient, ImageInfo} from '../docker/images.js'
import {PushStreamError, type PushStreamResult, type RegistryAuth} from '../docker/push-stream.js'
import {BuildFailedError, InvalidInputError, LimgError, RegistryError} from '../errors/index.js'
import {type RegistryCredentials, TokenSource} from '../ecr/authorization.js'
import type {EcrApi, RemoteImage, RepositorySettings} from '../ecr/ecr-api.js'
import {type CheckedManifest, type ManifestShape, checkManifest, manifestShape} from '../registry/manifest-check.js'
import {RegistryHttp, RegistryHttpError, sha256} from '../registry/registry-http.js'
import {ensureRepository} from '../ecr/repository.js'
import {DEFAULT_RETRY_DELAYS_MS, withRetry} from '../util/retry.js'
import {contentTag, isValidTag} from './default-tag.js'
import type {PushEvent} from './events.js'
import {resolveSourceImage} from './source-image.js'

export interface PushOptions {
  /** The local image reference to push. */
  image: string
  /** True when the user named the image (--image), for the "not found" hint. */
  imageExplicit?: boolean
  arch: Architecture
  repository: string
  settings: RepositorySettings
  /** Create the repository when it is missing (default true). */
  createRepository?: boolean
  /** A tag to use instead of the content-derived one. */
  tag?: string
  signal?: AbortSignal
  onEvent?: (event: PushEvent) => void
}

export interface PushDependencies {
  /** The engine's images: the source is inspected, tagged with the registry's name, pushed and untagged. */
  images: Pick<ImageClient, 'inspect' | 'tag' | 'untag' | 'push'>
  ecr: EcrApi
  /** Builds the HTTP client for the manifest read-back; replaced in unit tests. */
  registry?: (credentials: RegistryCredentials, signal?: AbortSignal) => Pick<RegistryHttp, 'manifest' | 'blobJson'>
  retryDelaysMs?: readonly number[]
  now?: () => number
}

export interface PushResult {
  /** `<registry>/<repository>:<tag>` */
  imageUri: string
  /** `<registry>/<repository>@sha256:…`, the reference to give Lambda. */
  digestUri: string
  digest: string
  repository: string
  registry: string
  region: string
  mediaType: string
  architecture: string
  tag: string
  /** Bytes the engine reported sending; 0 when every layer was already there. */
  bytesUploaded: number
  layers: {pushed: number; existing: number}
  /** The tag already held this image, so nothing was pushed. */
  alreadyPushed: boolean
  repositoryCreated: boolean
  warnings: string[]
}

/**
 * Pushes a local image to ECR: credentials from the AWS SDK chain, a token kept in memory for
 * this push, the repository ensured, the image tagged and pushed, then read back from the
 * registry and checked to be what Lambda accepts.
 */
export async function pushToEcr(options: PushOptions, deps: PushDependencies): Promise<PushResult> {
  const emit = options.onEvent ?? (() => {})
  const delaysMs = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  const warnings: string[] = []
  if (options.tag !== undefined && !isValidTag(options.tag)) {
    throw new InvalidInputError(`Invalid tag "${options.tag}": up to 128 characters of A-Z, a-z, 0-9, "_", "." and "-", not starting with "." or "-".`)
  }

  // First, so that a missing or malformed region is refused before any work starts.
  const region = await deps.ecr.region()
  // The local image, the ECR token and the repository do not depend on each other: asked for
  // at once, and their failures reported in this order whatever order they come in.
  emit({type: 'phase', phase: 'image', message: `Checking local image ${options.image}`})
  const tokens = new TokenSource(deps.ecr, deps.now)
  // A repository is created only for an image that is there: a push that fails for want of
  // one leaves nothing behind in ECR.
  const source = resolveSourceImage(deps.images, options.image, options.arch, options.imageExplicit ?? false)
  // What the tag holds is asked as soon as the tag is known, beside the token and the
  // repository; its answer counts only for a repository that was there before.
  const tagged = source.then((info) => deps.ecr.findImageByTag(options.repository, options.tag ?? contentTag(options.arch, info.id)))
  tagged.catch(() => {})
  const [imageAnswer, tokenAnswer, repoAnswer] = await Promise.allSettled([
    source,
    tokens.get(),
    ensureRepository(deps.ecr, options.repository, options.settings, {create: options.createRepository ?? true, region, createAfter: source}),
  ])
  const image = settled(imageAnswer)
  emit({type: 'phase', phase: 'authenticate', message: `Getting an ECR token in ${region}`})
  const registry = settled(tokenAnswer).registryHost
  emit({type: 'phase', phase: 'repository', message: `Repository ${options.repository}`})
  const repo = settled(repoAnswer)
  const tag = options.tag ?? contentTag(options.arch, image.id)
  if (!repo.created && repo.imageTagMutability !== options.settings.imageTagMutability) {
    warnings.push(`The repository ${options.repository} has ${repo.imageTagMutability} tags; limg's settings apply only to repositories it creates.`)
  }
  const remoteRef = `${registry}/${options.repository}`
  const httpFor = deps.registry ?? ((credentials, signal) => new RegistryHttp(credentials, signal))
  const retryNotice = (what: string) => (n: {attempt: number; delayMs: number; reason: string}) => emit({type: 'retry', what, ...n})

  /** Runs registry HTTP work with a fresh token on one 401 and bounded retries on transient errors. */
  const withRegistry = <T>(what: string, work: (http: Pick<RegistryHttp, 'manifest' | 'blobJson'>) => Promise<T>): Promise<T> =>
    withRetry(
      async () => {
        try {
          return await work(httpFor(await tokens.get(), options.signal))
        } catch (error) {
          if (!(error instanceof RegistryHttpError && error.unauthorized)) throw error
          tokens.invalidate()
          return work(httpFor(await tokens.get(), options.signal))
        }
      },
      (error) => error instanceof RegistryHttpError && error.transient,
      {delaysMs, onRetry: retryNotice(what), signal: options.signal},
    ).catch((error: unknown) => {
      throw registryHttpFailure(error, registry)
    })

  const existing = repo.created ? undefined : await tagged
  let alreadyPushed = false
  // What the tag holds, read and checked once: when it is this image, that is the read-back too.
  let held: CheckedManifest | undefined
  if (existing) {
    held =
      heldByEcr(existing, image, options) ??
      (await withRegistry('read the existing tag', (http) => checkManifest(http, options.repository, tag, options.arch)).catch((error: unknown) => {
        // Another image under the tag (another architecture, an index) is the immutability question below, not a failure.
        if (error instanceof BuildFailedError) return undefined
        throw error
      }))
    // A local image id is its config digest, so equal digests mean the tag already holds this image.
    alreadyPushed = held?.configDigest === image.id
    if (!alreadyPushed && repo.imageTagMutability === 'IMMUTABLE') {
      throw new RegistryError(
        `The tag ${tag} already exists in the immutable repository ${options.repository} and holds a different image (${existing.digest}).`,
        options.tag === undefined ? 'Name a tag with --tag.' : 'Choose another --tag, or leave --tag out to use the tag derived from the image content.',
      )
    }
  }

  let pushed: PushStreamResult
  let readBack: Promise<CheckedManifest>
  const verify = (): Promise<CheckedManifest> => {
    emit({type: 'phase', phase: 'verify', message: `Reading back ${remoteRef}:${tag}`})
    return withRegistry('read back the manifest', (http) => checkManifest(http, options.repository, tag, options.arch))
  }
  if (existing && alreadyPushed && held) {
    emit({type: 'phase', phase: 'push', message: `${remoteRef}:${tag} already holds this image; nothing to push`})
    pushed = {digest: existing.digest, layers: {pushed: 0, existing: 0}, bytesUploaded: 0}
    emit({type: 'phase', phase: 'verify', message: `Reading back ${remoteRef}:${tag}`})
    readBack = Promise.resolve(held)
  } else {
    emit({type: 'phase', phase: 'push', message: `Pushing ${remoteRef}:${tag}`})
    // The engine pushes only by a name that carries the registry: that name is given for this
    // push and taken back after it (pushed, failed or interrupted), so none piles up locally.
    const previous = await deps.images.inspect(`${remoteRef}:${tag}`)
    await deps.images.tag(options.image, remoteRef, tag)
    let failed = true
    try {
      pushed = await pushWithRenewal(deps.images, tokens, remoteRef, tag, emit, {delaysMs, signal: options.signal, onRetry: retryNotice('push')})
      failed = false
      // Read back while the local name is put back: the two do not depend on each other.
      readBack = verify()
      readBack.catch(() => {})
    } finally {
      const warning = await restoreRegistryTag(deps, `${remoteRef}:${tag}`, remoteRef, tag, image.id, previous?.id).catch((error: unknown) =>
        failed ? undefined : `Could not remove the local name ${remoteRef}:${tag} after the push: ${(error as Error).message}`,
      )
      if (warning) warnings.push(warning)
    }
  }

  const checked = await readBack
  if (checked.digest !== pushed.digest) {
    throw new RegistryError(
      `The registry holds ${checked.digest} under ${tag}, not the pushed ${pushed.digest}.`,
      'Another push may have replaced the tag (mutable repository); push again with a unique --tag.',
    )
  }
  return {
    imageUri: `${remoteRef}:${tag}`,
    digestUri: `${remoteRef}@${checked.digest}`,
    digest: checked.digest,
    repository: options.repository,
    registry,
    region,
    mediaType: checked.mediaType,
    architecture: checked.architecture,
    tag,
    bytesUploaded: pushed.bytesUploaded,
    layers: alreadyPushed ? {pushed: 0, existing: checked.layers} : pushed.layers,
    alreadyPushed,
    repositoryCreated: repo.created,
    warnings,
  }
}

/**
 * The tag's manifest as ECR answered it, when it is this image's: its config is the local
 * image's own (a local image ID is its config's digest), whose architecture resolveSourceImage
 * checked, so nothing more needs reading from the registry. Undefined whenever the registry
 * must be asked instead: no manifest in the answer, bytes that do not hash to its digest,
 * another image, or a manifest Lambda would refuse (the registry's read says why).
 */
function heldByEcr(existing: RemoteImage, image: ImageInfo, options: PushOptions): CheckedManifest | undefined {
  if (!existing.manifest) return undefined
  const body = Buffer.from(existing.manifest, 'utf8')
  if (sha256(body) !== existing.digest) return undefined
  let shape: ManifestShape
  try {
    const json = JSON.parse(existing.manifest) as Record<string, unknown>
    const mediaType = (typeof json.mediaType === 'string' ? json.mediaType : undefined) ?? existing.manifestMediaType ?? ''
    shape = manifestShape({mediaType, digest: existing.digest, body, json}, options.repository, existing.tags[0] ?? existing.digest)
  } catch {
    return undefined
  }
  if (shape.configDigest !== image.id) return undefined
  return {...shape, architecture: getArchitecture(options.arch).dockerArch, os: image.os || 'linux'}
}

/**
 * Puts the engine's `remoteRef:tag` back as it was before the push: removed when it did not
 * exist, pointed back at the image it named before, left alone when it already named this
 * image. Returns a warning when the name must stay because it is the image's only one (an
 * image pushed by id), since removing it would delete the image.
 */
/** The value of a settled promise, or its reason thrown. */
function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason
  return result.value
}

async function restoreRegistryTag(
  deps: PushDependencies,
  ref: string,
  remoteRef: string,
  tag: string,
  pushedId: string,
  previousId: string | undefined,
): Promise<string | undefined> {
  if (previousId === pushedId) return undefined
  if (previousId !== undefined) {
    await deps.images.tag(previousId, remoteRef, tag)
    return undefined
  }
  const now = await deps.images.inspect(ref)
  if (!now) return undefined
  if (now.repoTags.every((name) => name === ref)) {
    return `Kept the local name ${ref}: it is the image's only name, and removing it would delete the image. Remove it with \`docker rmi ${ref}\` once the image is not needed.`
  }
  await deps.images.untag(ref)
  return undefined
}

async function pushWithRenewal(
  pusher: Pick<ImageClient, 'push'>,
  tokens: TokenSource,
  repo: string,
  tag: string,
  emit: (event: PushEvent) => void,
  options: {delaysMs: readonly number[]; signal?: AbortSignal; onRetry: (n: {attempt: number; delayMs: number; reason: string}) => void},
): Promise<PushStreamResult> {
  const attempt = async (): Promise<PushStreamResult> => pusher.push(repo, tag, toAuth(await tokens.get()), emit, options.signal)
  try {
    return await withRetry(
      async () => {
        try {
          return await attempt()
        } catch (error) {
          // A token that expired during a long push: one more try with a fresh one.
          if (!(error instanceof PushStreamError && error.kind === 'unauthorized')) throw error
          tokens.invalidate()
          return attempt()
        }
      },
      // Not after the engine's own retries of a layer: it spent about 50 s on them already.
      (error) => error instanceof PushStreamError && error.kind === 'transient' && !error.engineRetried,
      {delaysMs: options.delaysMs, onRetry: options.onRetry, ...(options.signal ? {signal: options.signal} : {})},
    )
  } catch (error) {
    throw pushFailure(error, repo)
  }
}

function toAuth(credentials: RegistryCredentials): RegistryAuth {
  return {username: credentials.username, password: credentials.password, serverAddress: credentials.proxyEndpoint}
}

function pushFailure(error: unknown, repo: string): unknown {
  if (!(error instanceof PushStreamError)) return error
  const registry = repo.split('/')[0]
  const again = 'Push again once it answers: layers already in the registry are not uploaded again.'
  switch (error.kind) {
    case 'unauthorized':
      if (/token has expired/i.test(error.message)) {
        return new RegistryError(`The ECR token expired during the push to ${registry}, also after a fresh one was fetched: ${error.message}`, 'Push again: layers already in the registry are not uploaded again.', {
          cause: error,
        })
      }
      return new RegistryError(
        `The registry ${registry} refused the ECR token, also after fetching a fresh one: ${error.message}`,
        'Check that the credentials are for the account and region of the registry, and that they allow ecr:GetAuthorizationToken, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage and ecr:BatchCheckLayerAvailability.',
        {cause: error},
      )
    case 'unreachable':
      return new RegistryError(
        `The Docker engine cannot reach the registry ${registry}: ${error.message}`,
        'Check the engine host\'s network and proxy settings (the engine, not limg, uploads the layers), then push again.',
        {cause: error},
      )
    case 'transient':
      if (error.engineRetried) {
        return new RegistryError(`The registry ${registry} stopped answering during the push (${error.message}), also after the engine's own retries.`, again, {cause: error})
      }
      return new RegistryError(`Pushing to ${registry} kept failing: ${error.message}`, `The registry or network is having trouble. ${again}`, {cause: error})
    default:
      if (/denied|not authorized/i.test(error.message)) {
        return new RegistryError(`The registry ${registry} denied the push: ${error.message}`, 'Ask for the ECR push permissions on this repository, or use a profile that has them (--profile).', {
          cause: error,
        })
      }
      return new RegistryError(`Pushing to ${repo} failed: ${error.message}`, 'Check the message above, then push again.', {cause: error})
  }
}

function registryHttpFailure(error: unknown, registry: string): unknown {
  if (error instanceof LimgError || !(error instanceof RegistryHttpError)) return error
  if (error.unauthorized) {
    return new RegistryError(
      `The registry ${registry} refused the ECR token when reading the image back, also after fetching a fresh one.`,
      'Check that the credentials allow ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on this repository.',
      {cause: error},
    )
  }
  return new RegistryError(`Could not read the image back from ${registry}: ${error.message}`, 'Check the network, then push again; the check is needed to know Lambda will accept the image.', {
    cause: error,
  })
}
