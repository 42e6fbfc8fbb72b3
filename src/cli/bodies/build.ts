import type {Interfaces} from '@oclif/core'
import type Build from '../../commands/build.js'
import {type AnyBuildResult, build} from '../../app/build.js'
import {buildFunctions} from '../../app/build-functions.js'
import {type FunctionsResult, findRepository, notARepository} from '../../app/functions.js'
import {BuildProgressRenderer} from '../../ui/build-progress.js'
import {BUILD_WORDING} from '../../ui/functions-wording.js'
import type {CommandShell} from '../shell.js'

export type BuildFlags = Interfaces.InferredFlags<(typeof Build)['flags']>

/** `limg build` once its flags are parsed: one function, or every function of a repository at its root. */
export async function runBuild(shell: CommandShell, flags: BuildFlags): Promise<AnyBuildResult | FunctionsResult<AnyBuildResult>> {
  const request = {
    noCache: flags['no-cache'],
    ...(flags.arch === undefined ? {} : {arch: flags.arch}),
    ...(flags['base-image'] === undefined ? {} : {baseImage: flags['base-image']}),
    ...(flags['ca-cert'] === undefined ? {} : {caCert: flags['ca-cert']}),
    ...(flags.dockerfile === undefined ? {} : {dockerfile: flags.dockerfile}),
    ...(flags.tag === undefined ? {} : {tag: flags.tag}),
    ...(flags.builder === undefined ? {} : {builder: flags.builder}),
    ...(flags.output === undefined ? {} : {output: flags.output}),
    ...(flags.push
      ? {push: {createRepository: flags['create-repository'], ...(flags.repository ? {repository: flags.repository} : {}), ...(flags.region ? {region: flags.region} : {}), ...(flags.profile ? {profile: flags.profile} : {})}}
      : {}),
  }
  const repository = await findRepository(flags.dir)
  if (repository) {
    return shell.forFunctions(BUILD_WORDING, (onEvent) => buildFunctions(shell.context, repository, {...request, functions: flags.function ?? [], ...(flags.jobs === undefined ? {} : {jobs: flags.jobs})}, onEvent), (result) => result.builder === 'direct' ? (result.push?.digestUri ?? result.image) : result.image)
  }
  if (flags.function?.length) throw notARepository(flags.dir)
  const view = shell.json ? undefined : new BuildProgressRenderer(process.stderr, shell.interactive, Date.now, () => process.stderr.columns || 80)
  let result: AnyBuildResult
  try {
    result = await build(shell.context, {...request, dir: flags.dir}, view?.handle)
  } finally {
    view?.stop()
  }
  for (const warning of result.warnings) shell.addWarning(warning)
  const size = (result.sizeBytes / 1024 ** 2).toFixed(1)
  if (result.builder === 'direct') {
    const where = result.push ? `pushed ${result.push.digestUri}, ${(result.push.bytesUploaded / 1024).toFixed(1)} KiB uploaded` : result.output ? `written to ${result.output}` : 'loaded into the engine'
    shell.note(`Built ${result.image} (${result.architecture}, ${size} MB compressed, ${result.digest}) in ${(result.durationMs / 1000).toFixed(1)}s without an engine: ${result.steps} layers of limg's, ${result.cachedSteps} from cache; ${where}.`)
    shell.log(result.push?.digestUri ?? result.image)
  } else {
    shell.note(`Built ${result.image} (${result.architecture}, ${size} MB) in ${(result.durationMs / 1000).toFixed(1)}s: ${result.steps} steps, ${result.cachedSteps} from cache.`)
    shell.log(result.image)
  }
  return shell.withWarnings({...result, warnings: []})
}
