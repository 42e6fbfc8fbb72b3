import type {Interfaces} from '@oclif/core'
import type Push from '../../commands/push.js'
import {type FunctionsResult, findRepository, notARepository} from '../../app/functions.js'
import {push} from '../../app/push.js'
import {pushFunctions} from '../../app/push-functions.js'
import type {PushResult} from '../../push/push-to-ecr.js'
import {PUSH_WORDING} from '../../ui/functions-wording.js'
import {PushProgressView} from '../../ui/push-progress.js'
import type {CommandShell} from '../shell.js'

export type PushFlags = Interfaces.InferredFlags<(typeof Push)['flags']>

/** `limg push` once its flags are parsed: one function's image, or every function's at a repository's root. */
export async function runPush(shell: CommandShell, flags: PushFlags): Promise<PushResult | FunctionsResult<PushResult>> {
  const request = {
    createRepository: flags['create-repository'],
    ...(flags.image === undefined ? {} : {image: flags.image}),
    ...(flags.arch === undefined ? {} : {arch: flags.arch}),
    ...(flags.repository === undefined ? {} : {repository: flags.repository}),
    ...(flags.tag === undefined ? {} : {tag: flags.tag}),
    ...(flags.region === undefined ? {} : {region: flags.region}),
    ...(flags.profile === undefined ? {} : {profile: flags.profile}),
    ...(flags['max-images'] === undefined ? {} : {maxImages: flags['max-images']}),
  }
  const repository = await findRepository(flags.dir)
  if (repository) {
    return shell.forFunctions(PUSH_WORDING, (onEvent) => pushFunctions(shell.context, repository, {...request, functions: flags.function ?? [], ...(flags.jobs === undefined ? {} : {jobs: flags.jobs})}, onEvent), (result) => result.digestUri)
  }
  if (flags.function?.length) throw notARepository(flags.dir)
  const view = shell.json ? undefined : new PushProgressView(process.stderr, shell.interactive)
  const result = await push(shell.context, {...request, dir: flags.dir}, view ? (event) => view.handle(event) : undefined)
  view?.settle()
  for (const warning of result.warnings) shell.addWarning(warning)
  const what = result.alreadyPushed ? 'Already in ECR' : `Pushed (${result.layers.pushed} layers uploaded, ${result.layers.existing} already there)`
  shell.note(`${what}: ${result.imageUri}`)
  shell.note(`${result.mediaType}, ${result.architecture}`)
  shell.log(result.digestUri)
  return shell.withWarnings({...result, warnings: []})
}
