import {readFile} from 'node:fs/promises'
import {isAbsolute, join, resolve} from 'node:path'
import {awsBaseImage, getRuntime} from '../catalog/runtimes.js'
import type {ProjectConfig} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import {functionLayout} from '../project/layout.js'
import type {InstallPlan} from '../project/package-manager.js'
import {finalLambdaBase, parseInstructions, rewriteOwnDockerfile} from './own-dockerfile.js'
import {renderDockerfile} from './render.js'

/** The file name of a Dockerfile the project owns; when present, limg builds with it. */
export const PROJECT_DOCKERFILE = 'Dockerfile'

export interface ResolveDockerfileOptions {
  /** A Dockerfile to use instead (`limg build --dockerfile`); relative paths are taken from projectDir. */
  dockerfilePath?: string
  /** See RenderDockerfileOptions.caCertContextPath; a project's own Dockerfile gets it in its RUN steps. */
  caCertContextPath?: string
  /** See RenderDockerfileOptions.installConfigContextDir; only templates use it. */
  installConfigContextDir?: string
}

export interface ResolvedDockerfile {
  /** What the engine builds: the template rendered, or the project's file with limg's changes. */
  text: string
  /** `template`: rendered from templates/; `project`: the project's own file. */
  source: 'template' | 'project'
  /** Absolute path of the project's file, when source is `project`. */
  path?: string
  /** The base image: config.baseImage, else AWS's image for the runtime and architecture. */
  baseImage: string
  /** Build arguments for the engine. A project Dockerfile receives BASE_IMAGE too; see declaresBaseImageArg. */
  buildArgs: {BASE_IMAGE: string}
  /** Whether the Dockerfile declares `ARG BASE_IMAGE`, i.e. whether `--base-image` and `--arch` can reach its FROM. */
  declaresBaseImageArg: boolean
  /** The install the template renders (undefined for a project Dockerfile, null without package.json). */
  install?: InstallPlan | null
  /** Base references replaced in a project Dockerfile's FROM lines, in the stream only. */
  replacedBases: Array<{from: string; to: string}>
  /** Things to say once per build: no lock file, where the CA went. */
  notes: string[]
  /**
   * True when the image's task root is the context as sent (limg's template without a build
   * step): a file is then in the image exactly when the context carried it.
   */
  copiesContext: boolean
}

/**
 * The Dockerfile `limg build` uses for a project: `options.dockerfilePath` if given, else
 * the project's own `Dockerfile` if present, else one rendered from templates for the
 * config and the project's files (install, build). A project's Dockerfile is never
 * changed on disk; in the stream, `baseImage` replaces AWS's Lambda Node.js base image in
 * its FROM lines and the CA reaches its RUN steps. Pass the config after resolveConfig
 * so flags and LIMG_* variables apply.
 *
 * @throws InvalidInputError when dockerfilePath does not exist, the project Dockerfile's
 *   base is another Node.js major than the runtime, or the config cannot be rendered
 */
export async function resolveDockerfile(projectDir: string, config: ProjectConfig, options: ResolveDockerfileOptions = {}): Promise<ResolvedDockerfile> {
  const runtime = getRuntime(config.runtime)
  const baseImage = config.baseImage ?? awsBaseImage(runtime, config.arch)
  const explicit = options.dockerfilePath ?? config.dockerfile
  const path = explicit === undefined ? resolve(join(projectDir, PROJECT_DOCKERFILE)) : isAbsolute(explicit) ? explicit : resolve(projectDir, explicit)
  const own = await readIfPresent(path)
  if (own !== undefined) {
    // An empty file (`limg dockerfile > Dockerfile` run in the project makes one before limg reads it) builds nothing.
    if (!parseInstructions(own).some((instruction) => instruction.keyword === 'FROM')) {
      throw new InvalidInputError(
        `${path} has no FROM instruction${own.trim() === '' ? ' (it is empty)' : ''}, so there is nothing to build.`,
        `Replace it with limg's template (\`limg dockerfile --write --force\`), or delete it to build with the template.`,
      )
    }
    const base = finalLambdaBase(own)
    if (base?.major !== undefined && base.major !== runtime.major) {
      throw new InvalidInputError(
        `${path} builds FROM ${base.ref} (Node.js ${base.major}), but limg.json's runtime is ${runtime.id}.`,
        `Make them agree: set "runtime": "nodejs${base.major}.x" in limg.json, or change the Dockerfile's FROM to Node.js ${runtime.major}.`,
      )
    }
    const rewrite = rewriteOwnDockerfile(own, {
      ...(config.baseImage === undefined ? {} : {baseImage: config.baseImage}),
      ...(options.caCertContextPath === undefined ? {} : {caCertContextPath: options.caCertContextPath}),
    })
    const notes: string[] = []
    if (rewrite.caInFinalChain) {
      notes.push(`The CA reaches RUN steps of the stage the image is built from: it is deleted at the end and never trusted at run time, but its bytes stay in a lower layer. Install in a separate build stage to keep it out of every layer.`)
    }
    return {
      text: rewrite.text,
      source: 'project',
      path,
      baseImage,
      buildArgs: {BASE_IMAGE: baseImage},
      declaresBaseImageArg: declaresBaseImageArg(own),
      replacedBases: rewrite.replaced,
      notes,
      copiesContext: false,
    }
  }
  if (explicit !== undefined) {
    throw new InvalidInputError(`Dockerfile ${path} does not exist.`, 'Check --dockerfile (or "dockerfile" in limg.json), or leave it out to use the project\'s Dockerfile or limg\'s template.')
  }
  const layout = await functionLayout(projectDir, config)
  const rendered = renderDockerfile({
    runtime: config.runtime,
    arch: config.arch,
    template: config.template,
    handler: config.handler,
    baseImage,
    install: layout.install,
    ...(layout.build ? {build: layout.build} : {}),
    ...(options.caCertContextPath === undefined ? {} : {caCertContextPath: options.caCertContextPath}),
    ...(options.installConfigContextDir === undefined ? {} : {installConfigContextDir: options.installConfigContextDir}),
  })
  return {...rendered, source: 'template', declaresBaseImageArg: true, install: layout.install, replacedBases: [], notes: layout.notes, copiesContext: !layout.build}
}

/** True when a Dockerfile declares `ARG BASE_IMAGE` (with or without a default). */
export function declaresBaseImageArg(dockerfile: string): boolean {
  return /^\s*ARG\s+BASE_IMAGE(\s*=|\s*$)/im.test(dockerfile)
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    if (code === 'EISDIR') throw new InvalidInputError(`${path} is a directory, not a Dockerfile.`, 'Pass the Dockerfile\'s own path.')
    throw error
  }
}
