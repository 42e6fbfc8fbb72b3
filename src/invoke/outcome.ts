import type {StreamedInfo} from './streamed.js'

/**
 * How an invocation ended, told apart the way Lambda's own API would report it. The
 * emulator answers a function error with 200 and a timeout with 200 too, so the body's
 * shape decides, not the status.
 */
export type Outcome = 'success' | 'function-error' | 'timeout' | 'emulator-failure'

/** `limg invoke`'s exit code for each outcome (documented in the command's description). */
export const OUTCOME_EXIT_CODES: Record<Outcome, number> = {
  success: 0,
  'function-error': 10,
  timeout: 11,
  'emulator-failure': 12,
}

/** What came back over HTTP (with what a streamed answer said at its end), or how the connection failed. */
export type RawReply = {statusCode: number; body: string; streamed?: StreamedInfo} | {error: string}

export interface Classified {
  outcome: Outcome
  /** As Lambda's X-Amz-Function-Error header: `Unhandled` for an error or a timeout, else null. */
  functionError: 'Unhandled' | null
  statusCode: number | null
  payload: unknown
}

const TIMED_OUT = /^Task timed out after \d+(\.\d+)? seconds$/

export function classifyReply(reply: RawReply): Classified {
  if ('error' in reply) return {outcome: 'emulator-failure', functionError: null, statusCode: null, payload: null}
  const {statusCode, body} = reply
  // A stream that ended with an error is the function's failure, whatever it wrote before.
  if (reply.streamed?.error) return {outcome: reply.streamed.error.errorType === 'Sandbox.Timedout' ? 'timeout' : 'function-error', functionError: 'Unhandled', statusCode, payload: reply.streamed.error}
  if (reply.streamed) return {outcome: 'success', functionError: null, statusCode, payload: parsePayload(body)}
  const payload = parsePayload(body)
  if (TIMED_OUT.test(body.trim())) return {outcome: 'timeout', functionError: 'Unhandled', statusCode, payload}
  if (isLambdaError(payload)) {
    // A 502 with the error shape is the function failing to start or exiting (init error,
    // Runtime.ExitError): the function's fault, as Lambda reports it, not the emulator's.
    if (statusCode === 200 || statusCode === 502) return {outcome: 'function-error', functionError: 'Unhandled', statusCode, payload}
  }
  if (statusCode >= 200 && statusCode < 300) return {outcome: 'success', functionError: null, statusCode, payload}
  return {outcome: 'emulator-failure', functionError: null, statusCode, payload}
}

/**
 * The same outcomes from Lambda's own Invoke API, which says a function failed with the
 * `X-Amz-Function-Error` header; a timeout is such a failure whose message is Lambda's
 * "Task timed out after N.NN seconds" (`Sandbox.Timedout` on newer runtimes).
 */
export function classifyInvokeAnswer(answer: {statusCode: number; functionError?: string; body: string}): Classified {
  const payload = parsePayload(answer.body)
  if (!answer.functionError) return {outcome: 'success', functionError: null, statusCode: answer.statusCode, payload}
  const error = typeof payload === 'object' && payload !== null ? (payload as {errorType?: unknown; errorMessage?: unknown}) : {}
  const timedOut = error.errorType === 'Sandbox.Timedout' || (typeof error.errorMessage === 'string' && /Task timed out after \d+(\.\d+)? seconds/.test(error.errorMessage))
  return {outcome: timedOut ? 'timeout' : 'function-error', functionError: 'Unhandled', statusCode: answer.statusCode, payload}
}

function isLambdaError(payload: unknown): payload is {errorType: string; errorMessage: string} {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return false
  const p = payload as Record<string, unknown>
  return typeof p.errorType === 'string' && typeof p.errorMessage === 'string'
}

/** JSON when the body is JSON (as Lambda returns it), else the text itself. */
export function parsePayload(body: string): unknown {
  if (body === '') return null
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}
