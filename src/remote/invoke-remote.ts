import type {LambdaApi} from '../lambda/lambda-api.js'
import type {InvokeResult} from '../invoke/invoke.js'
import type {LogLine} from '../docker/streams.js'
import {startedRequest} from '../invoke/log-lines.js'
import {classifyInvokeAnswer} from '../invoke/outcome.js'

export interface RemoteInvokeRequest {
  functionName: string
  /** The event, already checked as Lambda checks it (local/event.ts). */
  event: Buffer
  /** A version or alias; `$LATEST` when absent. */
  qualifier?: string
  signal?: AbortSignal
}

/** A local invoke's result, plus what Lambda says about where it ran. */
export interface RemoteInvokeResult extends InvokeResult {
  functionName: string
  executedVersion: string | null
}

export interface RemoteInvokeReport {
  result: RemoteInvokeResult
  /** The payload as Lambda sent it, for printing unchanged. */
  body: string
  /** The log tail Lambda returned (`LogType: Tail`, the last 4 KB of the invocation's log). */
  logs: LogLine[]
}

/**
 * One event through Lambda's Invoke API, synchronously, with the log tail: the outcome told
 * apart as for a local invoke (success, function error, timeout), so the exit codes are the same.
 */
export async function invokeRemote(deps: {lambda: Pick<LambdaApi, 'invoke'>}, request: RemoteInvokeRequest): Promise<RemoteInvokeReport> {
  const started = performance.now()
  const answer = await deps.lambda.invoke(request.functionName, request.event, {
    ...(request.qualifier ? {qualifier: request.qualifier} : {}),
    ...(request.signal ? {signal: request.signal} : {}),
  })
  const durationMs = Math.round((performance.now() - started) * 100) / 100
  const body = Buffer.from(answer.payload).toString('utf8')
  const classified = classifyInvokeAnswer({statusCode: answer.statusCode, body, ...(answer.functionError ? {functionError: answer.functionError} : {})})
  const logs: LogLine[] = (answer.logTail ?? '')
    .split('\n')
    .map((text) => text.replace(/\r$/, ''))
    .filter((text, index, all) => text !== '' || index < all.length - 1)
    .map((text) => ({stream: 'stdout' as const, text}))
  const requestId = answer.requestId ?? logs.map((line) => startedRequest(line.text)).find((id) => id !== undefined) ?? null
  return {
    result: {...classified, durationMs, requestId, functionName: request.functionName, executedVersion: answer.executedVersion ?? null},
    body,
    logs,
  }
}
