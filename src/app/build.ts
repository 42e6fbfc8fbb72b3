import {resolve} from 'node:path'
import {buildProjectLocked} from '../build/build-lock.js'
import type {BuildResult} from '../build/build.js'
import type {BuildProgressEvent} from '../build/events.js'
import type {BuildSettings} from '../build/last-build.js'
import {extraLabels} from '../run/labels.js'
import {type AppContext, projectSettings} from './context.js'

export interface BuildRequest {
  dir: string
  arch?: string
  baseImage?: string
  /** Paths as typed: relative ones are taken from where limg runs. */
  caCert?: string
  dockerfile?: string
  tag?: string
  noCache?: boolean
}

/** `limg build`: the project's image through the engine, one build of a tag at a time. */
export async function build(context: AppContext, request: BuildRequest, onEvent?: (event: BuildProgressEvent) => void): Promise<BuildResult> {
  const settings: BuildSettings = {
    ...(request.arch === undefined ? {} : {arch: request.arch}),
    ...(request.baseImage === undefined ? {} : {baseImage: request.baseImage}),
    ...(request.dockerfile === undefined ? {} : {dockerfile: resolve(request.dockerfile)}),
    ...(request.caCert === undefined ? {} : {caCert: resolve(request.caCert)}),
  }
  const project = await projectSettings(context, request.dir, settings)
  const docker = await context.docker()
  return buildProjectLocked(docker, {
    projectDir: project.dir,
    config: project.config,
    ...(request.tag === undefined ? {} : {tag: request.tag}),
    ...(settings.dockerfile === undefined ? {} : {dockerfilePath: settings.dockerfile}),
    noCache: request.noCache ?? false,
    extraLabels: extraLabels(context.env),
    settings,
    env: context.env,
    ...(context.signal ? {signal: context.signal} : {}),
    ...(onEvent ? {onEvent} : {}),
  }, {onWait: ({pid, tag}) => onEvent?.({type: 'waiting', tag, ...(pid === undefined ? {} : {pid})})})
}
