import {readFile} from 'node:fs/promises'
import {isAbsolute, join, resolve} from 'node:path'
import {awsBaseImage, getRuntime} from '../catalog/runtimes.js'
import type {ProjectConfig} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import {renderDockerfile} from './render.js'

/** The file name of a Dockerfile the project owns; when present, limg uses it as it is. */
export const PROJECT_DOCKERFILE = 'Dockerfile'

export interface ResolveDockerfileOptions {
  /** A Dockerfile to use instead (`limg build --dockerfile`); relative paths are taken from projectDir. */
  dockerfilePath?: string
  /** See RenderDockerfileOptions.caCertContextPath; only templates use it, a project's own Dockerfile is left alone. */
  caCertContextPath?: string
}

export interface ResolvedDockerfile {
  text: string
  /** `template`: rendered from templates/; `project`: the project's own file, unchanged. */
  source: 'template' | 'project'
  /** Absolute path of the project's file, when source is `project`. */
  path?: string
  /** The base image: config.baseImage, else AWS's image for the runtime and architecture. */
  baseImage: string
  /** Build arguments for the engine. A project Dockerfile receives BASE_IMAGE too; see declaresBaseImageArg. */
  buildArgs: {BASE_IMAGE: string}
  /** Whether the Dockerfile declares `ARG BASE_IMAGE`, i.e. whether `--base-image` and `--arch` can reach its FROM. */
  declaresBaseImageArg: boolean
}

/**
 * The Dockerfile `limg build` uses for a project: `options.dockerfilePath` if given, else
 * the project's own `Dockerfile` if present (used as it is), else one rendered from
 * templates for the config's runtime, arch, template, handler and baseImage. Pass the
 * config after resolveConfig so flags and LIMG_* variables apply.
 *
 * @throws InvalidInputError when dockerfilePath does not exist, or the config cannot be rendered
 */
export async function resolveDockerfile(projectDir: string, config: ProjectConfig, options: ResolveDockerfileOptions = {}): Promise<ResolvedDockerfile> {
  const baseImage = config.baseImage ?? awsBaseImage(getRuntime(config.runtime), config.arch)
  const explicit = options.dockerfilePath
  const path = explicit === undefined ? resolve(join(projectDir, PROJECT_DOCKERFILE)) : isAbsolute(explicit) ? explicit : resolve(projectDir, explicit)
  const own = await readIfPresent(path)
  if (own !== undefined) {
    return {text: own, source: 'project', path, baseImage, buildArgs: {BASE_IMAGE: baseImage}, declaresBaseImageArg: declaresBaseImageArg(own)}
  }
  if (explicit !== undefined) {
    throw new InvalidInputError(`Dockerfile ${path} does not exist.`, 'Check --dockerfile, or leave it out to use the project\'s Dockerfile or limg\'s template.')
  }
  const rendered = renderDockerfile({
    runtime: config.runtime,
    arch: config.arch,
    template: config.template,
    handler: config.handler,
    baseImage,
    ...(options.caCertContextPath === undefined ? {} : {caCertContextPath: options.caCertContextPath}),
  })
  return {...rendered, source: 'template', declaresBaseImageArg: true}
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
