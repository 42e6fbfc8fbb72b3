import type {EventsPage, LogEvent, LogsApi} from '../cloudwatch-logs/logs-api.js'
import {AwsError} from '../errors/index.js'
import type {LambdaApi} from '../lambda/lambda-api.js'
import type {LogLine} from '../docker/streams.js'
import {sleep as abortableSleep} from '../util/sleep.js'

export interface FunctionLogsRequest {
  functionName: string
  /** How far back to read (ms). */
  sinceMs: number
  follow: boolean
  /** Only the newest N events of the window. */
  tail?: number
  signal?: AbortSignal
}

export interface FunctionLogsDependencies {
  lambda: Pick<LambdaApi, 'getFunctionConfiguration'>
  logs: LogsApi
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** How often --follow asks for new events. */
  pollMs?: number
}

export interface FunctionLogsResult {
  functionName: string
  logGroup: string
  /** False when the group does not exist yet: the function has not been invoked. */
  logGroupExists: boolean
  lines: number
}

/** CloudWatch Logs takes up to a few seconds to make an event searchable; --follow asks again that often. */
export const FOLLOW_POLL_MS = 2000

/**
 * The function's log events from its log group (its logging config's, else /aws/lambda/<name>),
 * across streams, oldest first so the newest is last; `follow` keeps asking for new ones until
 * Ctrl-C, which ends it without an error as for a local `limg logs --follow`.
 */
export async function readFunctionLogs(deps: FunctionLogsDependencies, request: FunctionLogsRequest, onLine: (line: LogLine) => void): Promise<FunctionLogsResult> {
  const now = deps.now ?? Date.now
  const sleep = deps.sleep ?? abortableSleep
  const status = await deps.lambda.getFunctionConfiguration(request.functionName)
  if (!status) {
    throw new AwsError(`There is no function ${request.functionName} in this region, so there is no log to show.`, 'Deploy it with `limg deploy`, or pass --function and --region for another one.')
  }
  const logGroup = status.logGroup ?? `/aws/lambda/${request.functionName}`
  let lines = 0
  const seen = new Set<string>()
  const show = (events: LogEvent[]): void => {
    for (const event of events) {
      seen.add(event.eventId)
      lines += 1
      onLine({stream: 'stdout', time: new Date(event.timestamp).toISOString(), text: event.message.replace(/\r?\n$/, '')})
    }
  }

  let from = now() - request.sinceMs
  let exists = true
  const first = await allEvents(deps.logs, logGroup, from, request.signal)
  if (first === undefined) exists = false
  else {
    const sorted = sortEvents(first)
    show(request.tail !== undefined ? sorted.slice(Math.max(0, sorted.length - request.tail)) : sorted)
    for (const event of sorted) seen.add(event.eventId)
    from = Math.max(from, ...sorted.map((e) => e.timestamp))
  }
  while (request.follow && !request.signal?.aborted) {
    await sleep(deps.pollMs ?? FOLLOW_POLL_MS, request.signal)
    if (request.signal?.aborted) break
    const events = await allEvents(deps.logs, logGroup, from, request.signal).catch((error: unknown) => {
      if (request.signal?.aborted) return []
      throw error
    })
    if (events === undefined) continue
    exists = true
    // Asked again from the newest time seen: the events at that millisecond come twice, and are skipped by id.
    const fresh = sortEvents(events).filter((e) => !seen.has(e.eventId))
    show(fresh)
    from = Math.max(from, ...fresh.map((e) => e.timestamp))
  }
  return {functionName: request.functionName, logGroup, logGroupExists: exists, lines}
}

async function allEvents(logs: LogsApi, logGroup: string, startTime: number, signal?: AbortSignal): Promise<LogEvent[] | undefined> {
  const events: LogEvent[] = []
  let nextToken: string | undefined
  do {
    const page: EventsPage | undefined = await logs.filterEvents(logGroup, {startTime, ...(nextToken ? {nextToken} : {}), ...(signal ? {signal} : {})})
    if (!page) return undefined
    events.push(...page.events)
    nextToken = page.nextToken
  } while (nextToken && !signal?.aborted)
  return events
}

/** Oldest first; events of the same millisecond in the order CloudWatch took them in. */
export function sortEvents(events: LogEvent[]): LogEvent[] {
  return [...events].sort((a, b) => a.timestamp - b.timestamp || (a.ingestionTime ?? 0) - (b.ingestionTime ?? 0) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
}
