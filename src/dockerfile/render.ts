import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {type Architecture, type RuntimeId, awsBaseImage, getArchitecture, getRuntime} from '../catalog/runtimes.js'
import {type Template, validateCombination, validateHandler, validateTemplate} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import {renderTemplate} from './template.js'
import {templatesDir} from './templates-dir.js'

/** Where the deps and build stages put the certificate authority, and what NODE_EXTRA_CA_CERTS names. */
export const CA_CERT_IMAGE_PATH = '/tmp/limg-extra-ca.pem'

export interface RenderDockerfileOptions {
  runtime: RuntimeId | string
  arch: Architecture | string
  template: Template | string
  /** `<file>.<export>`, as in limg.json; becomes `CMD ["<handler>"]`. */
  handler: string
  /** Replaces AWS's `public.ecr.aws/lambda/nodejs:<major>-<arch>` as the `BASE_IMAGE` default. */
  baseImage?: string
  /**
   * Path, relative to the build context, of a PEM certificate authority the install steps
   * must trust (a TLS-intercepting proxy). The caller puts the file in the context. When
   * given, the deps (and build) stages copy it and set NODE_EXTRA_CA_CERTS; the final
   * stage starts from a fresh `FROM` and never holds it. When absent, the Dockerfile has
   * no CA lines at all.
   */
  caCertContextPath?: string
}

export interface RenderedDockerfile {
  /** The Dockerfile. Its first line is `ARG BASE_IMAGE=<baseImage>`; every stage is `FROM ${BASE_IMAGE}`. */
  text: string
  /** The base image the Dockerfile defaults to. */
  baseImage: string
  /** Build arguments to pass to the engine; passing them is redundant with the default but makes the base explicit. */
  buildArgs: {BASE_IMAGE: string}
}

/**
 * Renders `templates/dockerfile/<template>.Dockerfile` for a runtime, architecture and
 * handler. The result suits Docker's classic builder (no BuildKit syntax): production
 * dependencies install in a `deps` stage from package.json + package-lock.json with the
 * runtime's own production install command, so a change to the code alone reuses that
 * layer; typescript adds a `build` stage that runs `npm ci` and `npm run build` and
 * copies only dist/ (as the task root), production node_modules and package.json.
 *
 * @throws InvalidInputError for an unknown runtime, architecture or template, a
 *   combination Lambda cannot run (esm on nodejs12.x), or an unusable handler, base
 *   image or CA path
 */
export function renderDockerfile(options: RenderDockerfileOptions): RenderedDockerfile {
  const runtime = getRuntime(options.runtime)
  const arch = getArchitecture(options.arch).id
  const template = validateTemplate(options.template)
  validateCombination(runtime.id, template)
  const handler = checkHandler(options.handler)
  const baseImage = checkBaseImage(options.baseImage ?? awsBaseImage(runtime, arch))
  const caCertPath = options.caCertContextPath === undefined ? false : checkContextPath(options.caCertContextPath)
  const file = dockerfileTemplatePath(template)
  const text = renderTemplate(readFileSync(file, 'utf8'), {
    baseImage,
    handler,
    productionInstall: runtime.productionInstall.join(' '),
    caCertPath,
  }, file)
  return {text, baseImage, buildArgs: {BASE_IMAGE: baseImage}}
}

/** The template file a module format renders from. */
export function dockerfileTemplatePath(template: Template): string {
  return join(templatesDir(), 'dockerfile', `${template}.Dockerfile`)
}

function checkHandler(handler: string): string {
  validateHandler(handler)
  // It lands inside a JSON string in CMD's exec form.
  if (/["\\]/.test(handler)) {
    throw new InvalidInputError(`Invalid handler "${handler}": quotes and backslashes cannot appear in a handler.`, 'Use <file>.<export>, such as index.handler.')
  }
  return handler
}

function checkBaseImage(ref: string): string {
  if (ref === '' || /\s/.test(ref)) {
    throw new InvalidInputError(`Invalid base image "${ref}": an image reference has no spaces.`, 'Pass a reference such as public.ecr.aws/lambda/nodejs:20-x86_64 with --base-image.')
  }
  return ref
}

function checkContextPath(path: string): string {
  const safe = /^[A-Za-z0-9_.][A-Za-z0-9_./-]*$/.test(path) && !path.split('/').includes('..') && !path.endsWith('/')
  if (!safe) {
    throw new InvalidInputError(
      `Invalid CA certificate context path "${path}": it must be a relative path inside the build context of letters, digits, ".", "_", "-" and "/".`,
      'Place the certificate at a simple path such as .limg/ca.pem in the context.',
    )
  }
  return path
}
