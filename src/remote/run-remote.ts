import {stat} from 'node:fs/promises'
import {resolve} from 'node:path'
import {loadProjectConfig} from '../config/load.js'
import {validateName} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import {checkEvent} from '../local/event.js'
import type {LogLine} from '../local/log-lines.js'
import {defaultEventFile, readEvent} from '../local/run-local.js'
import {checkRegion} from '../registry/region.js'
import {type FunctionLogsResult, readFunctionLogs} from './function-logs.js'
import {type RemoteInvokeReport, invokeRemote} from './invoke-remote.js'

interface RemoteTarget {
  dir: string
  /** The deployed function's name; limg.json's "name" when absent. */
  functionName?: string
  region?: string
  profile?: string
  onWarning?: (message: string) => void
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
}

export interface RemoteInvokeCommandRequest extends RemoteTarget {
  /** A file path, or `-` for stdin; undefined: the project's own event file, else `{}`. */
  event?: string
  qualifier?: string
  stdin?: NodeJS.ReadableStream
}

/** `limg invoke --remote`: the event read and checked as for a local invoke, then sent through Lambda's Invoke API. */
export async function invokeRemoteFunction(request: RemoteInvokeCommandRequest): Promise<RemoteInvokeReport & {eventFrom: string}> {
  const {dir, functionName, clientOptions} = await remoteTarget(request)
  const source = request.event ?? (await defaultEventFile(dir))
  // Checked before AWS is asked anything: Lambda would refuse the same event.
  const event = source === undefined ? Buffer.from('{}') : checkEvent(await readEvent(source, dir, request.stdin), source === '-' ? 'stdin' : source)
  const {SdkLambdaApi} = await import('../lambda/sdk-lambda-api.js')
  const lambda = new SdkLambdaApi(clientOptions)
  await lambda.region()
  const report = await invokeRemote(
    {lambda},
    {functionName, event, ...(request.qualifier ? {qualifier: request.qualifier} : {}), ...(request.signal ? {signal: request.signal} : {})},
  )
  return {...report, eventFrom: source === undefined ? 'none' : source === '-' ? 'stdin' : source}
}

export interface RemoteLogsCommandRequest extends RemoteTarget {
  sinceMs: number
  follow: boolean
  tail?: number
  onLine: (line: LogLine) => void
}

/** `limg logs --remote`: the deployed function's CloudWatch log events. */
export async function logsRemoteFunction(request: RemoteLogsCommandRequest): Promise<FunctionLogsResult> {
  const {functionName, clientOptions} = await remoteTarget(request)
  const [{SdkLambdaApi}, {SdkLogsApi}] = await Promise.all([import('../lambda/sdk-lambda-api.js'), import('../cloudwatch-logs/sdk-logs-api.js')])
  const lambda = new SdkLambdaApi(clientOptions)
  await lambda.region()
  return readFunctionLogs(
    {lambda, logs: new SdkLogsApi(clientOptions)},
    {functionName, sinceMs: request.sinceMs, follow: request.follow, ...(request.tail !== undefined ? {tail: request.tail} : {}), ...(request.signal ? {signal: request.signal} : {})},
    request.onLine,
  )
}

/** The function a remote command talks to: --function, else the project's name; limg.json is needed only for the latter. */
async function remoteTarget(request: RemoteTarget) {
  // A malformed --region is refused before AWS is asked anything, as limg push does.
  if (request.region !== undefined) checkRegion(request.region, '--region')
  const dir = resolve(request.dir)
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new InvalidInputError(`The project folder ${dir} does not exist.`, 'Pass --dir with the folder of the function, or --function with the deployed function\'s name.')
  }
  const functionName =
    request.functionName !== undefined ? validateName(request.functionName) : (await loadProjectConfig(dir, request.onWarning ? {onWarning: request.onWarning} : {})).name
  const clientOptions = {...(request.profile ? {profile: request.profile} : {}), ...(request.region ? {region: request.region} : {}), env: request.env ?? process.env}
  return {dir, functionName, clientOptions}
}

/** `10m`, `2h`, `1d`, `30s`, or a number of minutes: how far back `limg logs --remote` reads. */
export function parseSince(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim())
  if (!match) throw new InvalidInputError(`Invalid --since "${text}".`, 'Give a duration such as 30s, 10m, 2h or 1d.')
  const unit = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}[(match[2] ?? 'm') as 's' | 'm' | 'h' | 'd']
  return Number(match[1]) * unit
}
