import {checkRegion} from '../aws/region.js'
import {loadProjectConfig} from '../config/load.js'
import {validateName} from '../config/schema.js'
import {checkEvent, defaultEventFile, readEvent} from '../invoke/event.js'
import {type InvokeReport, invokeFunction} from '../invoke/invoke.js'
import type {StreamSink} from '../invoke/streamed.js'
import {type RemoteInvokeReport, invokeRemote} from '../remote/invoke-remote.js'
import {type AppContext, type AwsSettings, projectFolder} from './context.js'

export interface InvokeRequest {
  dir: string
  /** A file path, or `-` for stdin; undefined: the project's own event file, else `{}`. */
  event?: string
  port?: number
  stdin?: NodeJS.ReadableStream
  /** Hears a streamed response as it arrives. */
  sink?: StreamSink
}

export type InvokeOutcomeReport = InvokeReport & {
  /** Where the event came from: a file, `stdin`, or `none` ({} was sent). */
  eventFrom: string
}

/** `limg invoke`: one event to the project's running function. */
export async function invoke(context: AppContext, request: InvokeRequest): Promise<InvokeOutcomeReport> {
  // The engine's connection and ping start at once, beside the folder and event checks (a
  // warm invoke is a few milliseconds of work); their errors are reported first all the same.
  const docker = context.docker()
  const dir = await projectFolder(request.dir, 'Pass --dir with the folder of the function, or --port with its emulator\'s port.', request.port === undefined ? 'invoke' : undefined)
  const source = request.event ?? (await defaultEventFile(dir))
  // Checked before the engine is asked for the function: a bad event is the caller's to fix, as Lambda says.
  const event = source === undefined ? Buffer.from('{}') : checkEvent(await readEvent(source, dir, request.stdin), source === '-' ? 'stdin' : source)
  const report = await invokeFunction((await docker).containers, {
    dir,
    event,
    ...(request.port !== undefined ? {port: request.port} : {}),
    ...(context.signal ? {signal: context.signal} : {}),
    ...(request.sink ? {sink: request.sink} : {}),
  })
  return {...report, eventFrom: source === undefined ? 'none' : source === '-' ? 'stdin' : source}
}

export interface RemoteInvokeRequest {
  dir: string
  /** The deployed function's name; limg.json's "name" when absent. */
  functionName?: string
  qualifier?: string
  event?: string
  region?: string
  profile?: string
  stdin?: NodeJS.ReadableStream
}

/** `limg invoke --remote`: the event read and checked as for a local invoke, then sent through Lambda's Invoke API. */
export async function invokeRemoteFunction(context: AppContext, request: RemoteInvokeRequest): Promise<RemoteInvokeReport & {eventFrom: string}> {
  const {dir, functionName, aws} = await remoteTarget(context, request)
  const source = request.event ?? (await defaultEventFile(dir))
  // Checked before AWS is asked anything: Lambda would refuse the same event.
  const event = source === undefined ? Buffer.from('{}') : checkEvent(await readEvent(source, dir, request.stdin), source === '-' ? 'stdin' : source)
  const lambda = await context.lambda(aws)
  await lambda.region()
  const report = await invokeRemote(
    {lambda},
    {functionName, event, ...(request.qualifier ? {qualifier: request.qualifier} : {}), ...(context.signal ? {signal: context.signal} : {})},
  )
  return {...report, eventFrom: source === undefined ? 'none' : source === '-' ? 'stdin' : source}
}

/** The function a remote command talks to: --function, else the project's name; limg.json is needed only for the latter. */
export async function remoteTarget(context: AppContext, request: {dir: string; functionName?: string; region?: string; profile?: string}): Promise<{dir: string; functionName: string; aws: AwsSettings}> {
  // A malformed --region is refused before AWS is asked anything, as limg push does.
  if (request.region !== undefined) checkRegion(request.region, '--region')
  const dir = await projectFolder(request.dir, 'Pass --dir with the folder of the function, or --function with the deployed function\'s name.')
  const functionName = request.functionName !== undefined ? validateName(request.functionName) : (await loadProjectConfig(dir, {onWarning: context.warn})).name
  return {dir, functionName, aws: {...(request.profile ? {profile: request.profile} : {}), ...(request.region ? {region: request.region} : {})}}
}
