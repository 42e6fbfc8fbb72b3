import {RegistryError} from '../errors/index.js'
import type {EcrApi, RepositoryInfo, RepositorySettings} from './ecr-api.js'
import {lifecyclePolicyText} from './lifecycle-policy.js'

export interface EnsuredRepository extends RepositoryInfo {
  created: boolean
}

/**
 * Finds the repository, or creates it with limg's settings and lifecycle policy. An existing
 * repository is left as its owner set it up.
 */
export async function ensureRepository(
  ecr: Pick<EcrApi, 'describeRepository' | 'createRepository' | 'putLifecyclePolicy'>,
  name: string,
  settings: RepositorySettings,
  /** `createAfter`: a missing repository is created only once this has succeeded (the image to push is there). */
  options: {create: boolean; region: string; createAfter?: Promise<unknown>},
): Promise<EnsuredRepository> {
  const existing = await ecr.describeRepository(name)
  if (existing) return {...existing, created: false}
  await options.createAfter
  if (!options.create) {
    throw new RegistryError(
      `The ECR repository "${name}" does not exist in ${options.region}.`,
      `Create it (\`aws ecr create-repository --repository-name ${name} --region ${options.region}\`), or push without --no-create-repository to let limg create it.`,
    )
  }
  let created: RepositoryInfo
  try {
    created = await ecr.createRepository(name, settings)
  } catch (error) {
    // Another push may have created it between our describe and create.
    if ((error as {cause?: {name?: string}}).cause?.name !== 'RepositoryAlreadyExistsException') throw error
    const raced = await ecr.describeRepository(name)
    if (!raced) throw error
    return {...raced, created: false}
  }
  await ecr.putLifecyclePolicy(name, lifecyclePolicyText(settings.maxImages))
  return {...created, created: true}
}
