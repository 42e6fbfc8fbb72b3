import {type Architecture, architectureFromDocker, getArchitecture} from '../catalog/runtimes.js'
import type {ImageClient, ImageInfo} from '../docker/images.js'
import {InvalidInputError} from '../errors/index.js'

/**
 * Finds the local image to push and checks that it is for the function's architecture, before
 * anything is sent anywhere.
 */
export async function resolveSourceImage(images: Pick<ImageClient, 'inspect'>, ref: string, arch: Architecture, explicit: boolean): Promise<ImageInfo> {
  const info = await images.inspect(ref)
  if (!info) {
    throw new InvalidInputError(
      `No local image ${ref}.`,
      explicit ? 'Check the name with `docker images`, or build it first.' : `Run \`limg build --arch ${arch}\` first, or name an image with --image.`,
    )
  }
  const expected = getArchitecture(arch).dockerArch
  if (info.architecture !== expected) {
    const actual = architectureFromDocker(info.architecture) ?? info.architecture
    throw new InvalidInputError(
      `The image ${ref} is for ${actual}, but the function is ${arch}.`,
      `Build it for ${arch} (\`limg build --arch ${arch}\`), or push with --arch ${actual} if the function is ${actual}.`,
    )
  }
  if (info.os && info.os !== 'linux') {
    throw new InvalidInputError(`The image ${ref} is a ${info.os} image; Lambda runs linux images.`, 'Build it with `limg build`.')
  }
  return info
}
