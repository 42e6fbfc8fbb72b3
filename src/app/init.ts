import {resolve} from 'node:path'
import {InvalidInputError} from '../errors/index.js'
import {type Ask, type InitOptions, type InitResult, initProject} from '../project/init.js'
import {findRepository, hasFunctionsListing} from '../repository/repository.js'
import type {AppContext} from './context.js'

export type InitRequest = Omit<InitOptions, 'signal'>

/** `limg init`: a new function project, or limg's files beside an existing one. `ask` is for a terminal. */
export async function init(context: AppContext, request: InitRequest, ask?: Ask): Promise<InitResult> {
  await refuseRepositoryListing(resolve(request.dir))
  return initProject({...request, ...(context.signal ? {signal: context.signal} : {})}, ask)
}

/** Not even --force replaces a repository's list of functions with one function's settings. */
async function refuseRepositoryListing(dir: string): Promise<void> {
  if (!(await hasFunctionsListing(dir))) return
  const repository = await findRepository(dir).catch(() => undefined)
  const example = repository?.functions[0]?.path.split('/').slice(0, -1).join('/') || 'functions'
  throw new InvalidInputError(
    `${dir}/limg.json lists the functions of a repository; limg init there would replace that list, also with --force.`,
    `Create each function in a folder of its own, such as \`limg init ${example}/<name>\`.`,
  )
}
