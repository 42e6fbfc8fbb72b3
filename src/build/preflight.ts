import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {type Runtime, getRuntime} from '../catalog/runtimes.js'
import type {ProjectConfig} from '../config/schema.js'
import {lambdaBaseReference} from '../dockerfile/own-dockerfile.js'
import {locateHandler} from '../dockerfile/handler-file.js'
import type {ImageInfo} from '../docker/images.js'
import {InvalidInputError} from '../errors/index.js'
import {handlerStyle} from '../project/handler-source.js'

/** The label `limg base build` records the runtime in. */
export const BASE_RUNTIME_LABEL = 'limg.base.runtime'

const HANDLER_DOCS = 'https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html'

/**
 * Refuses, before any build, a handler the runtime would refuse at start-up: on runtimes
 * without callback handlers (nodejs24.x), one declaring a third parameter or calling
 * `context.succeed`/`fail`/`done`. A handler whose source cannot be followed passes; the
 * runtime in the image has the last word.
 */
export async function checkHandlerStyle(projectDir: string, config: Pick<ProjectConfig, 'runtime' | 'handler' | 'template'>): Promise<void> {
  const runtime = getRuntime(config.runtime)
  if (runtime.callbackHandlers) return
  const location = locateHandler(config.handler, config.template)
  const candidates = [...new Set([...location.projectFiles, ...['.ts', '.mts', '.cts'].map((ext) => `${location.module}${ext}`), ...locateHandler(config.handler, 'commonjs').projectFiles])]
  for (const file of candidates) {
    const source = await readFile(join(projectDir, file), 'utf8').catch(() => undefined)
    if (source === undefined) continue
    const style = handlerStyle(source, location.export)
    if (style.arity !== undefined && style.arity >= 3) {
      throw new InvalidInputError(
        `The handler "${config.handler}" (${file}) takes a callback as its third parameter, and ${runtime.id} no longer runs callback-based handlers: it fails at start-up with Runtime.CallbackHandlerDeprecated.`,
        `Make it an async function of (event, context) that returns its result or throws (${HANDLER_DOCS}), or use nodejs22.x.`,
      )
    }
    if (style.contextCompletions.length > 0) {
      throw new InvalidInputError(
        `The handler "${config.handler}" (${file}) calls ${style.contextCompletions.join(', ')}, which ${runtime.id} removed.`,
        `Return the result (or throw) from an async handler instead (${HANDLER_DOCS}), or use nodejs22.x.`,
      )
    }
    return
  }
}

/**
 * Refuses a base image made for another runtime: an offline image says which in its
 * label, AWS's images in their tag. A nodejs24.x function on a Node 20 base would build,
 * then run on the wrong Node.
 */
export function checkBaseRuntime(ref: string, image: Pick<ImageInfo, 'labels'> | undefined, runtimeId: string, arch: string): void {
  const runtime: Runtime = getRuntime(runtimeId)
  const labelled = image?.labels[BASE_RUNTIME_LABEL]
  const tagged = lambdaBaseReference(ref)?.major
  const baseRuntime = labelled ?? (tagged === undefined ? undefined : `nodejs${tagged}.x`)
  if (baseRuntime === undefined || baseRuntime === runtime.id) return
  const how = labelled ? `its ${BASE_RUNTIME_LABEL} label` : 'its tag'
  throw new InvalidInputError(
    `The base image ${ref} is for ${baseRuntime} (${how}), but limg.json's runtime is ${runtime.id}.`,
    `Use a ${runtime.id} base image (for an offline one: \`limg base build --runtime ${runtime.id} --arch ${arch}\`), or set "runtime": "${baseRuntime}" in limg.json.`,
  )
}
