import type {BuildProgressEvent} from '../build/events.js'
import {loadProjectConfig} from '../config/load.js'
import {resolveConfig} from '../config/resolve.js'
import {dependencyKey} from '../repository/dependency-key.js'
import {type AnyBuildResult, type BuildRequest, build} from './build.js'
import type {AppContext} from './context.js'
import {type FunctionsEvent, type FunctionsRequest, type FunctionsResult, type Repository, forEachFunction} from './functions.js'

export type BuildFunctionsEvent = FunctionsEvent<BuildProgressEvent, AnyBuildResult>

/**
 * `limg build` at a repository's root: each selected function built as `limg build` in its
 * folder would, in parallel. Functions whose dependency install is the same (runtime,
 * architecture, base image, package.json and lock file) wait for the first of them, and
 * find its dependency layer in the engine's cache.
 */
export async function buildFunctions(
  context: AppContext,
  repository: Repository,
  request: Omit<BuildRequest, 'dir'> & FunctionsRequest,
  onEvent?: (event: BuildFunctionsEvent) => void,
): Promise<FunctionsResult<AnyBuildResult>> {
  const overrides = {
    ...(request.arch === undefined ? {} : {arch: request.arch}),
    ...(request.baseImage === undefined ? {} : {baseImage: request.baseImage}),
    ...(request.caCert === undefined ? {} : {caCert: request.caCert}),
    ...(request.builder === undefined ? {} : {builder: request.builder}),
  }
  return forEachFunction(context, repository, request, {
    run: (fn, fnContext, onBuildEvent) => build(fnContext, {...request, dir: fn.dir}, onBuildEvent),
    oneFunctionFlags: {tag: request.tag, dockerfile: request.dockerfile, output: request.output, repository: request.push?.repository},
    async shareKey(fn, fnContext) {
      // A limg.json that does not load shares nothing; its build says what is wrong with it.
      const config = await loadProjectConfig(fn.dir).then((c) => resolveConfig(c, overrides, fnContext.env), () => undefined)
      return config && (config.builder ?? 'engine') === 'engine' ? dependencyKey(fn.dir, config) : undefined
    },
  }, onEvent)
}
