import type {DeployEvent} from '../deploy/events.js'
import type {DeployResult} from '../deploy/deploy.js'
import type {AppContext} from './context.js'
import {type DeployRequest, deploy} from './deploy.js'
import {type FunctionsEvent, type FunctionsRequest, type FunctionsResult, type Repository, forEachFunction} from './functions.js'

/**
 * `limg deploy` at a repository's root: each selected function to its own Lambda function,
 * in parallel. Nothing is asked: with many at once a question would interleave, so a
 * missing execution role needs --create-role (or "role" in the function's limg.json).
 */
export function deployFunctions(
  context: AppContext,
  repository: Repository,
  request: Omit<DeployRequest, 'dir' | 'functionName' | 'confirmRoleCreation'> & FunctionsRequest,
  onEvent?: (event: FunctionsEvent<DeployEvent, DeployResult>) => void,
): Promise<FunctionsResult<DeployResult>> {
  return forEachFunction(context, repository, request, {
    run: (fn, fnContext, onDeployEvent) => deploy(fnContext, {...request, dir: fn.dir}, onDeployEvent),
    oneFunctionFlags: {image: request.image, repository: request.repository, tag: request.tag},
  }, onEvent)
}
