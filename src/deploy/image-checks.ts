import {architectureFromDocker, type Architecture} from '../catalog/runtimes.js'
import type {ImageInfo} from '../docker/images.js'
import {BuildFailedError, InvalidInputError} from '../errors/index.js'

/** Lambda runs container images of up to 10 GiB, uncompressed. */
export const LAMBDA_IMAGE_LIMIT_BYTES = 10 * 1024 ** 3

/** Refuses, before anything is pushed or created, an image Lambda would fail for its size. */
export function checkImageSize(image: Pick<ImageInfo, 'sizeBytes'>, ref: string): void {
  if (image.sizeBytes <= LAMBDA_IMAGE_LIMIT_BYTES) return
  const gib = (image.sizeBytes / 1024 ** 3).toFixed(2)
  throw new BuildFailedError(
    `The image ${ref} is ${gib} GiB uncompressed; Lambda takes container images up to 10 GiB.`,
    'Leave out what the function does not need (dev dependencies, test data; see .dockerignore), then build and deploy again.',
  )
}

const ECR_HOST = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|on\.aws)$/

/** The region of an ECR image URI's registry, or undefined for another registry (a local stand-in). */
export function ecrRegionOf(imageUri: string): string | undefined {
  return ECR_HOST.exec(imageUri.split('/')[0])?.[1]
}

/** Lambda takes images only from ECR repositories in the function's region: refused before any Lambda call. */
export function checkSameRegion(imageUri: string, region: string): void {
  const imageRegion = ecrRegionOf(imageUri)
  if (imageRegion === undefined || imageRegion === region) return
  throw new InvalidInputError(
    `The image ${imageUri} is in an ECR repository in ${imageRegion}, but the function is in ${region}; Lambda takes images from its own region only.`,
    `Push the image to ${region} (\`limg push --region ${region}\`), or deploy the function in ${imageRegion} (--region ${imageRegion}).`,
  )
}

/** The image's architecture must be the function's: refused before any call. */
export function checkArchitecture(dockerArch: string, arch: Architecture, what: string): void {
  const imageArch = architectureFromDocker(dockerArch) ?? dockerArch
  if (imageArch === arch) return
  throw new InvalidInputError(
    `${what} is for ${imageArch}, but the function is ${arch}; Lambda runs an image only on its own architecture.`,
    `Build it for ${arch} (\`limg build --arch ${arch}\`), or deploy with --arch ${imageArch}.`,
  )
}
