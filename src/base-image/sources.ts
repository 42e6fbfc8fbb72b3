import {access, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {BuildFailedError, InvalidInputError} from '../errors/index.js'
import {packageRoot} from '../util/package-files.js'


/** The files of limg itself that go into the image, beside what is downloaded. */
export interface ImageSources {
  dockerfile: string
  /** Static files of the root file system (/etc/passwd, /etc/group). */
  rootfsTemplate: string
  entrypoint: string
  /** The runtime interface client: bootstrap and its JavaScript, for /var/runtime. */
  runtimeDir: string
  rie: string
}

/**
 * Finds the image's own files in limg's install folder (`Dockerfile.base`, `base/`,
 * `templates/base-image/`); `riePath` replaces limg's emulator with a real RIE binary.
 */
export async function resolveSources(root: string = packageRoot(), riePath?: string): Promise<ImageSources> {
  const base = join(root, 'base')
  const sources: ImageSources = {
    dockerfile: join(root, 'Dockerfile.base'),
    rootfsTemplate: join(root, 'templates', 'base-image'),
    entrypoint: join(base, 'lambda-entrypoint.sh'),
    runtimeDir: join(base, 'runtime'),
    rie: join(base, 'rie', 'aws-lambda-rie'),
  }
  if (riePath) {
    const file = await stat(riePath).catch(() => undefined)
    if (!file?.isFile()) {
      throw new InvalidInputError(`--rie ${riePath} is not a file.`, 'Pass the path of the aws-lambda-rie binary for the image\'s architecture.')
    }
    sources.rie = riePath
  }
  const required: Array<[string, string]> = [
    [sources.dockerfile, 'Dockerfile.base'],
    [sources.rootfsTemplate, 'the root file system template'],
    [sources.entrypoint, 'the entry point script'],
    [join(sources.runtimeDir, 'bootstrap'), 'the runtime interface client'],
  ]
  if (!riePath) required.push([sources.rie, 'the runtime interface emulator'])
  for (const [path, what] of required) {
    if (!(await access(path).then(() => true, () => false))) {
      throw new BuildFailedError(
        `limg's install is missing ${what} (${path}).`,
        what === 'the runtime interface emulator' ? 'Pass a real emulator with --rie PATH, or reinstall limg.' : 'Reinstall limg.',
      )
    }
  }
  return sources
}
