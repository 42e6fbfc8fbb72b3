import type {PushEvent} from '../push/events.js'
import type {PushResult} from '../push/push-to-ecr.js'
import type {AppContext} from './context.js'
import {type FunctionsEvent, type FunctionsRequest, type FunctionsResult, type Repository, forEachFunction} from './functions.js'
import {type PushRequest, push} from './push.js'

/** `limg push` at a repository's root: each selected function's image to its own ECR repository, in parallel. */
export function pushFunctions(
  context: AppContext,
  repository: Repository,
  request: Omit<PushRequest, 'dir'> & FunctionsRequest,
  onEvent?: (event: FunctionsEvent<PushEvent, PushResult>) => void,
): Promise<FunctionsResult<PushResult>> {
  return forEachFunction(context, repository, request, {
    run: (fn, fnContext, onPushEvent) => push(fnContext, {...request, dir: fn.dir}, onPushEvent),
    oneFunctionFlags: {image: request.image, repository: request.repository, tag: request.tag},
  }, onEvent)
}
