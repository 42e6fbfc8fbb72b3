/**
 * A streamed response as the emulator passes it on: `Lambda-Runtime-Function-Response-Mode:
 * streaming` on a chunked answer, the runtime's content type, and an error (the handler threw
 * mid-stream, a timeout) in the `Lambda-Runtime-Function-Error-Type` and `-Body` trailers, the
 * body base64 of the error's JSON.
 */
export const RESPONSE_MODE_HEADER = 'lambda-runtime-function-response-mode'
export const ERROR_TYPE_TRAILER = 'lambda-runtime-function-error-type'
export const ERROR_BODY_TRAILER = 'lambda-runtime-function-error-body'

/** The content type of a streamed HTTP response: a JSON prelude, eight NUL bytes, then the body. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response'
export const PRELUDE_DELIMITER = Buffer.alloc(8)

export interface StreamedInfo {
  contentType: string
  /** The error that ended the stream, as the runtime posted it (errorType, errorMessage, trace). */
  error?: {errorType: string; errorMessage: string; [key: string]: unknown}
}

/** What a caller of a streamed invocation hears, as it happens. */
export interface StreamSink {
  /** The answer's headers have come: the stream begins. */
  onStart(contentType: string): void
  onChunk(chunk: Buffer): void
}

export function isStreamed(headers: Record<string, string | string[] | undefined>): boolean {
  return String(headers[RESPONSE_MODE_HEADER] ?? '').toLowerCase() === 'streaming'
}

/** The error in a streamed answer's trailers, if it ended with one. */
export function streamedError(trailers: Record<string, string | undefined>): StreamedInfo['error'] {
  const type = trailers[ERROR_TYPE_TRAILER]
  if (type === undefined) return undefined
  try {
    const body = JSON.parse(Buffer.from(trailers[ERROR_BODY_TRAILER] ?? '', 'base64').toString('utf8')) as Record<string, unknown>
    return {...body, errorType: typeof body.errorType === 'string' ? body.errorType : type, errorMessage: typeof body.errorMessage === 'string' ? body.errorMessage : ''}
  } catch {
    return {errorType: type, errorMessage: ''}
  }
}
