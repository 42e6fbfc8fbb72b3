import {checkEvent, defaultEventFile, readEvent} from '../invoke/event.js'
import {type InvokeReport, invokeFunction} from '../invoke/invoke.js'
import {type AppContext, projectFolder} from './context.js'

export interface InvokeRequest {
  dir: string
  /** A file path, or `-` for stdin; undefined: the project's own event file, else `{}`. */
  event?: string
  port?: number
  stdin?: NodeJS.ReadableStream
}

export type InvokeOutcomeReport = InvokeReport & {
  /** Where the event came from: a file, `stdin`, or `none` ({} was sent). */
  eventFrom: string
}

/** `limg invoke`: one event to the project's running function. */
export async function invoke(context: AppContext, request: InvokeRequest): Promise<InvokeOutcomeReport> {
  const dir = await projectFolder(request.dir, 'Pass --dir with the folder of the function, or --port with its emulator\'s port.')
  const source = request.event ?? (await defaultEventFile(dir))
  // Checked before the engine is asked anything: a bad event is the caller's to fix, as Lambda says.
  const event = source === undefined ? Buffer.from('{}') : checkEvent(await readEvent(source, dir, request.stdin), source === '-' ? 'stdin' : source)
  const docker = await context.docker()
  const report = await invokeFunction(docker.containers, {
    dir,
    event,
    ...(request.port !== undefined ? {port: request.port} : {}),
    ...(context.signal ? {signal: context.signal} : {}),
  })
  return {...report, eventFrom: source === undefined ? 'none' : source === '-' ? 'stdin' : source}
}
