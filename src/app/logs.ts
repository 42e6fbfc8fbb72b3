import {resolve} from 'node:path'
import type {LogLine} from '../docker/streams.js'
import {InvalidInputError, LocalRunError} from '../errors/index.js'
import {type FunctionLogsResult, readFunctionLogs} from '../remote/function-logs.js'
import {projectContainer} from '../run/find.js'
import {streamLogs} from '../run/logs.js'
import {refuseRepositoryRoot} from '../repository/repository.js'
import type {AppContext} from './context.js'
import {remoteTarget} from './invoke.js'

export interface LogsRequest {
  dir: string
  follow: boolean
  tail?: number
}

/** `limg logs`: the newest running container of the project, its log passed on (and followed). */
export async function logs(context: AppContext, request: LogsRequest, onLine: (line: LogLine) => void): Promise<{container: string; lines: number}> {
  await refuseRepositoryRoot(resolve(request.dir), 'logs')
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

export interface RemoteLogsRequest {
  dir: string
  functionName?: string
  region?: string
  profile?: string
  sinceMs: number
  follow: boolean
  tail?: number
}

/** `limg logs --remote`: the deployed function's CloudWatch log events, newest last. */
export async function logsRemoteFunction(context: AppContext, request: RemoteLogsRequest, onLine: (line: LogLine) => void): Promise<FunctionLogsResult> {
  const {functionName, aws} = await remoteTarget(context, request)
  const [lambda, logs] = await Promise.all([context.lambda(aws), context.logs(aws)])
  await lambda.region()
  return readFunctionLogs(
    {lambda, logs},
    {functionName, sinceMs: request.sinceMs, follow: request.follow, ...(request.tail !== undefined ? {tail: request.tail} : {}), ...(context.signal ? {signal: context.signal} : {})},
    onLine,
  )
}

/** `10m`, `2h`, `1d`, `30s`, or a number of minutes: how far back `limg logs --remote` reads. */
export function parseSince(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim())
  if (!match) throw new InvalidInputError(`Invalid --since "${text}".`, 'Give a duration such as 30s, 10m, 2h or 1d.')
  const unit = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}[(match[2] ?? 'm') as 's' | 'm' | 'h' | 'd']
  return Number(match[1]) * unit
}
