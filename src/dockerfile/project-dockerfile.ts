import {join} from 'node:path'
import type {Architecture, RuntimeId} from '../catalog/runtimes.js'
import type {ProjectConfig, Template} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import {functionLayout} from '../project/layout.js'
import {existingTargets, writeFilesAtomically} from '../project/write-files.js'
import {renderDockerfile} from './render.js'
import {PROJECT_DOCKERFILE, resolveDockerfile} from './resolve.js'

export interface ProjectDockerfileOptions {
  /** The project folder, absolute. */
  dir: string
  /** limg.json with LIMG_* and flags applied. */
  config: ProjectConfig
  /** Whether --arch or --base-image was given, to say when a project Dockerfile cannot take them. */
  retargeted?: boolean
  /** Write the rendered template to <dir>/Dockerfile so the project owns it. */
  write?: boolean
  /** With write: replace a Dockerfile that exists. */
  force?: boolean
  signal?: AbortSignal
}

export interface ProjectDockerfileResult {
  dockerfile: string
  source: 'template' | 'project'
  /** The project's Dockerfile: the one used, or the one written. */
  path?: string
  runtime: RuntimeId
  arch: Architecture
  template: Template
  baseImage: string
  written: boolean
  /** For the command to pass on; not part of the `--json` result's own fields. */
  warnings: string[]
}

/**
 * `limg dockerfile`: the Dockerfile `limg build` would use for the project in `dir`
 * (its own Dockerfile if present, else the template rendered for limg.json, LIMG_*
 * variables and the given arch and base image), or, with `write`, the template written
 * to `<dir>/Dockerfile`. The written file has no certificate authority lines, so
 * `docker build` takes it as it is.
 *
 * @throws InvalidInputError when limg.json is missing or invalid, or `write` would replace a Dockerfile without `force`
 */
export async function projectDockerfile(options: ProjectDockerfileOptions): Promise<ProjectDockerfileResult> {
  const {dir, config} = options
  const warnings: string[] = []
  const common = {runtime: config.runtime, arch: config.arch, template: config.template}
  if (config.caCert) {
    warnings.push(`limg build adds lines that let the install steps trust ${config.caCert} (caCert); this Dockerfile shows none, and a written one gets none.`)
  }

  if (options.write) {
    const path = join(dir, PROJECT_DOCKERFILE)
    if (!options.force && (await existingTargets(dir, [{path: PROJECT_DOCKERFILE, content: ''}])).length > 0) {
      throw new InvalidInputError(`${path} already exists, and limg build uses it as it is; nothing was written.`, 'Pass --force to replace it with the template.')
    }
    const layout = await functionLayout(dir, config)
    if (layout.install?.configFiles.length) {
      warnings.push(`The written Dockerfile does not use ${layout.install.configFiles.join(', ')}: limg build keeps them out of the context, so copy them in a build stage if the install needs them, with a \`!\` line in .dockerignore.`)
    }
    const rendered = renderDockerfile({
      ...common,
      handler: config.handler,
      ...(config.baseImage ? {baseImage: config.baseImage} : {}),
      install: layout.install,
      ...(layout.build ? {build: layout.build} : {}),
    })
    await writeFilesAtomically(dir, [{path: PROJECT_DOCKERFILE, content: rendered.text}], options.signal)
    return {dockerfile: rendered.text, source: 'template', path, ...common, baseImage: rendered.baseImage, written: true, warnings}
  }

  const resolved = await resolveDockerfile(dir, config)
  warnings.push(...resolved.notes)
  for (const {from, to} of resolved.replacedBases) warnings.push(`FROM ${from} builds from ${to}, in the build only: ${resolved.path} itself is unchanged.`)
  if (resolved.source === 'project' && !resolved.declaresBaseImageArg && resolved.replacedBases.length === 0 && options.retargeted) {
    warnings.push(`${resolved.path} neither declares ARG BASE_IMAGE nor starts FROM AWS's Lambda Node.js image, so --arch and --base-image cannot change its FROM.`)
  }
  return {
    dockerfile: resolved.text,
    source: resolved.source,
    ...(resolved.path ? {path: resolved.path} : {}),
    ...common,
    baseImage: resolved.baseImage,
    written: false,
    warnings,
  }
}
