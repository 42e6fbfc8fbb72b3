import {resolve} from 'node:path'
import type {LogLine} from '../docker/streams.js'
import {LocalRunError} from '../errors/index.js'
import {projectContainer} from '../run/find.js'
import {streamLogs} from '../run/logs.js'
import type {AppContext} from './context.js'

export interface LogsRequest {
  dir: string
  follow: boolean
  tail?: number
}

/** `limg logs`: the newest running container of the project, its log passed on (and followed). */
export async function logs(context: AppContext, request: LogsRequest, onLine: (line: LogLine) => void): Promise<{container: string; lines: number}> {
  const docker = await context.docker()
  const container = await projectContainer(docker.containers, resolve(request.dir)).catch((error: unknown) => {
    if (error instanceof LocalRunError) throw new LocalRunError(`No function of this project is running, so there is no log to show.`, 'Start one with `limg run --detach`.')
    throw error
  })
  let lines = 0
  await streamLogs(docker.containers, container.id, {follow: request.follow, ...(request.tail !== undefined ? {tail: request.tail} : {}), ...(context.signal ? {signal: context.signal} : {})}, (line) => {
    lines += 1
    onLine(line)
  })
  return {container: container.id, lines}
}
