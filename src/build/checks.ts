import {posix} from 'node:path'
import {type Architecture, getArchitecture} from '../catalog/runtimes.js'
import {isHandler} from '../config/handler.js'
import type {Template} from '../config/schema.js'
import {locateHandler} from '../dockerfile/index.js'
import type {ImageClient, ImageInfo} from '../docker/images.js'
import {BuildFailedError} from '../errors/index.js'

/**
 * Lambda's limit on a container image: 10 GB uncompressed, all layers included (Lambda
 * quotas, "Container image code package size"). Lambda's quotas count GB as 1024^3 bytes.
 */
export const MAX_IMAGE_BYTES = 10 * 1024 ** 3

const DEFAULT_TASK_ROOT = '/var/task'

/**
 * The classic builder takes the result's architecture from the base image, even a local
 * base of the wrong one, without a word; Lambda then fails with `exec format error`.
 */
export function checkArchitecture(image: ImageInfo, arch: Architecture, baseImage: string, baseArch: string | undefined): void {
  const wanted = getArchitecture(arch).dockerArch
  if (image.architecture === wanted) return
  const from = baseArch ? `its base image ${baseImage} is ${baseArch}` : `built from ${baseImage}`
  throw new BuildFailedError(
    `The image was built for ${image.architecture}, not ${wanted} (${arch}): ${from}.`,
    `Use a base image for ${arch} (--base-image), or build the offline one with \`limg base build --arch ${arch}\`.`,
  )
}

export function checkSize(image: ImageInfo): void {
  if (image.sizeBytes <= MAX_IMAGE_BYTES) return
  const gb = (image.sizeBytes / 1024 ** 3).toFixed(2)
  throw new BuildFailedError(
    `The image is ${gb} GB; Lambda accepts container images up to 10 GB uncompressed.`,
    'Keep large files out of the context with .dockerignore and install production dependencies only.',
  )
}

/** Where Lambda's runtime would look for the handler that CMD names, as absolute paths in the image. */
export function handlerCandidates(image: ImageInfo, template: Template, source: 'template' | 'project'): {handler: string; paths: string[]} | undefined {
  const handler = image.cmd.length === 1 ? image.cmd[0] : undefined
  if (!handler || !isHandler(handler)) return undefined
  // A project's Dockerfile lays the files out itself: its WORKDIR is the task root.
  const root = source === 'project' ? image.workingDir || DEFAULT_TASK_ROOT : DEFAULT_TASK_ROOT
  const files = locateHandler(handler, source === 'project' ? 'commonjs' : template).imageFiles
  return {handler, paths: files.map((f) => posix.join(root, f))}
}

/** What the build already knows without asking the engine to look inside the image. */
export interface KnownContent {
  /** The image's task root is the context as sent, and these context paths were in it. */
  packed?: Set<string>
  /** The image passed this check before (the project's last good build had this ID). */
  checkedBefore?: boolean
}

/** The context paths the handler may be in, for packContext's `watch`: limg's template copies the context to the task root. */
export function handlerContextFiles(handler: string, template: Template): string[] {
  return isHandler(handler) ? locateHandler(handler, template).imageFiles : []
}

/**
 * The handler's file must be in the image, or every invocation fails with Runtime.ImportModuleError.
 * Read from what the build already knows where it can be (an image copied from the context, an
 * image ID that passed before); otherwise a container is created, asked and removed.
 */
export async function checkHandlerFile(engine: ImageClient, image: ImageInfo, template: Template, source: 'template' | 'project', labels: Record<string, string>, known: KnownContent = {}): Promise<string | undefined> {
  const candidates = handlerCandidates(image, template, source)
  if (!candidates) {
    return image.cmd.length === 0 ? 'The image has no CMD; Lambda needs the handler (CMD ["index.handler"]) unless the function configuration sets it.' : undefined
  }
  if (known.checkedBefore) return undefined
  if (known.packed && handlerContextFiles(candidates.handler, template).some((file) => known.packed?.has(file))) return undefined
  const found = await engine.existingPaths(image.id, candidates.paths, labels)
  if (found.length > 0) return undefined
  throw new BuildFailedError(
    `The handler "${candidates.handler}" is not in the image: none of ${candidates.paths.join(', ')} exists.`,
    source === 'template'
      ? 'Check "handler" in limg.json and that the file is not excluded by .dockerignore.'
      : 'Check the Dockerfile\'s COPY steps and WORKDIR, and the CMD.',
  )
}
