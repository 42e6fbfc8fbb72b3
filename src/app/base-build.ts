import {type BaseBuildOptions, type BaseBuildResult, buildBaseImage} from '../base-image/build.js'
import type {BaseBuildEvent} from '../base-image/events.js'
import type {AppContext} from './context.js'

export type BaseBuildRequest = Omit<BaseBuildOptions, 'signal'>

/** `limg base build`: the offline Lambda-compatible base image, through the engine. */
export function baseBuild(context: AppContext, request: BaseBuildRequest, onEvent?: (event: BaseBuildEvent) => void): Promise<BaseBuildResult> {
  return buildBaseImage(
    {...request, ...(context.signal ? {signal: context.signal} : {})},
    {images: async () => (await context.docker()).images, env: context.env, ...(onEvent ? {onEvent} : {})},
  )
}
