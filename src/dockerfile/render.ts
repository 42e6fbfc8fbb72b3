import {readFileSync} from 'node:fs'
import {type Architecture, type Runtime, type RuntimeId, awsBaseImage, getArchitecture, getRuntime} from '../catalog/runtimes.js'
import {validateHandler} from '../config/handler.js'
import {type Template, validateCombination, validateTemplate} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import type {BuildStep} from '../project/layout.js'
import {type InstallPlan, lockedNpmPlan} from '../project/package-manager.js'
import {renderTemplate} from '../template/template.js'
import {packagePath} from '../util/package-files.js'

/** Where the install stages put the certificate authority, and what NODE_EXTRA_CA_CERTS names. */
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
   * given, the install stages copy it and set NODE_EXTRA_CA_CERTS; the final stage starts
   * from a fresh `FROM` and never holds it. When absent, the Dockerfile has no CA lines.
   */
  caCertContextPath?: string
  /**
   * The dependency install (see planInstall); `null` for a function without a package.json,
   * which gets no install at all. Default: npm with a package-lock.json.
   */
  install?: InstallPlan | null
  /**
   * Context folder holding the install's registry settings (the plan's configFiles), put
   * there by the caller; the install reads them and no stage the image copies from keeps them.
   */
  installConfigContextDir?: string
  /** The build step of a typescript function. Default: `npm run build` into dist/. */
  build?: BuildStep
}

export interface RenderedDockerfile {
  /** The Dockerfile. Its first line is `ARG BASE_IMAGE=<baseImage>`; every stage is `FROM ${BASE_IMAGE}`. */
  text: string
  /** The base image the Dockerfile defaults to. */
  baseImage: string
  /** Build arguments to pass to the engine; passing them is redundant with the default but makes the base explicit. */
  buildArgs: {BASE_IMAGE: string}
}

const TEMPLATE_FILE = 'function.Dockerfile'
const SAFE_PATH = /^[A-Za-z0-9_.][A-Za-z0-9_./@-]*$/

/**
 * Renders `templates/dockerfile/function.Dockerfile` for a runtime, architecture, handler,
 * install and build. The result suits Docker's classic builder (no BuildKit syntax):
 * production dependencies install in a `deps` stage from package.json and the lock file
 * alone, so a change to the code reuses that layer; a typescript function adds a `build`
 * stage with every dependency that runs its build and hands on only the output folder.
 * When a CA or registry settings reach the context, the code passes through a stage that
 * deletes them before the final stage copies it.
 *
 * @throws InvalidInputError for an unknown runtime, architecture or template, a
 *   combination Lambda cannot run (esm on nodejs12.x), or an unusable handler, base
 *   image, output folder or context path
 */
export function renderDockerfile(options: RenderDockerfileOptions): RenderedDockerfile {
  const runtime = getRuntime(options.runtime)
  const arch = getArchitecture(options.arch).id
  const template = validateTemplate(options.template)
  validateCombination(runtime.id, template)
  const handler = validateHandler(options.handler)
  const baseImage = checkBaseImage(options.baseImage ?? awsBaseImage(runtime, arch))
  const caCertPath = options.caCertContextPath === undefined ? false : checkContextPath(options.caCertContextPath, 'CA certificate')
  const install = options.install === undefined ? lockedNpmPlan(runtime) : options.install
  const build = template === 'typescript' ? (options.build ?? defaultBuild(install, runtime)) : undefined
  if (build && !install) {
    throw new InvalidInputError('A typescript function needs a package.json with the build\'s tools.', 'Add a package.json with a "build" script (tsc or esbuild), or change "template" in limg.json.')
  }
  const installConfigDir = install && install.configFiles.length > 0 && options.installConfigContextDir !== undefined ? checkContextPath(options.installConfigContextDir, 'install settings') : false
  // What reaches the context only for the install must not reach the image: a stage that copies the context deletes it.
  const cleanup = [caCertPath, installConfigDir].filter((p): p is string => typeof p === 'string')
  const codeStage = !build && install !== null && cleanup.length > 0
  const releaseDir = install?.inputDirs.find((d) => d !== '.yarn/plugins')
  const pluginsDir = install?.inputDirs.includes('.yarn/plugins') ? '.yarn/plugins' : undefined
  const file = dockerfileTemplatePath()
  const text = renderTemplate(readFileSync(file, 'utf8'), {
    baseImage,
    handler,
    install: install !== null,
    caCertPath: install !== null && caCertPath,
    setupCommand: install?.setup ?? false,
    installConfigDir,
    releaseDir: releaseDir ? checkContextPath(releaseDir, 'Yarn release folder') : false,
    pluginsDir: pluginsDir ?? false,
    installFiles: install ? install.inputs.map((f) => checkContextPath(f, 'install input')).join(' ') : '',
    productionInstall: install?.productionInstall ?? '',
    fullInstall: install?.fullInstall ?? '',
    build: build !== undefined,
    buildCommand: build?.command ?? '',
    outDir: build ? checkOutDir(build.outDir) : '',
    codeStage,
    cleanupPaths: cleanup.join(' '),
    plainCopy: !build && !codeStage,
  }, file)
  return {text, baseImage, buildArgs: {BASE_IMAGE: baseImage}}
}

/** The template file every function's Dockerfile renders from. */
export function dockerfileTemplatePath(): string {
  return packagePath('templates', 'dockerfile', TEMPLATE_FILE)
}

function defaultBuild(install: InstallPlan | null, runtime: Runtime): BuildStep {
  return {command: (install ?? lockedNpmPlan(runtime)).run('build'), outDir: 'dist'}
}

function checkBaseImage(ref: string): string {
  if (ref === '' || /\s/.test(ref)) {
    throw new InvalidInputError(`Invalid base image "${ref}": an image reference has no spaces.`, 'Pass a reference such as public.ecr.aws/lambda/nodejs:20-x86_64 with --base-image.')
  }
  return ref
}

function checkOutDir(dir: string): string {
  if (dir === '.') return dir
  return checkContextPath(dir, 'build output folder').replace(/\/$/, '')
}

function checkContextPath(path: string, what: string): string {
  const safe = SAFE_PATH.test(path) && !path.split('/').includes('..') && !path.endsWith('/')
  if (!safe) {
    throw new InvalidInputError(
      `Invalid ${what} path "${path}": it must be a relative path inside the build context of letters, digits, ".", "_", "-", "@" and "/".`,
      `Place the ${what} at a simple path such as .limg/ca.pem in the context.`,
    )
  }
  return path
}
