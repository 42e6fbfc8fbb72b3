/**
 * limg's error model: one base class with a stable code, an exit code, and a suggestion
 * that tells the user what to do next. Commands let these reach the edge, where they are
 * printed once.
 */
export class LimgError extends Error {
  constructor(
    message: string,
    readonly suggestion?: string,
    readonly code: string = 'LIMG_ERROR',
    readonly exitCode: number = 1,
    options?: {cause?: unknown; details?: string[]},
  ) {
    super(message, options)
    this.name = new.target.name
    this.details = options?.details ?? []
  }

  /** Supporting lines shown under the message, such as the last output of a failed build step. */
  readonly details: string[]
}

/** Bad flags, config or project layout: exit 2, like a usage error. */
export class InvalidInputError extends LimgError {
  constructor(message: string, suggestion?: string, options?: {cause?: unknown}) {
    super(message, suggestion, 'INVALID_INPUT', 2, options)
  }
}

/**
 * An event Lambda's Invoke API would refuse before the function runs: exit 2 like any bad
 * input, with Lambda's own exception name as the code (`InvalidRequestContentException`,
 * `RequestEntityTooLargeException`) so scripts can match the same names as against AWS.
 */
export class InvalidEventError extends LimgError {
  constructor(lambdaException: string, message: string, suggestion?: string, options?: {cause?: unknown}) {
    super(`${lambdaException}: ${message}`, suggestion, lambdaException, 2, options)
  }
}

/** The Docker engine cannot be reached. */
export class EngineUnavailableError extends LimgError {
  constructor(message: string, suggestion?: string, options?: {cause?: unknown}) {
    super(message, suggestion, 'ENGINE_UNAVAILABLE', 3, options)
  }
}

/** The engine reported a failed build step, or the result is not what Lambda accepts. */
export class BuildFailedError extends LimgError {
  constructor(message: string, suggestion?: string, options?: {cause?: unknown; details?: string[]}) {
    super(message, suggestion, 'BUILD_FAILED', 4, options)
  }
}

/** AWS credentials, ECR or the registry refused or failed. */
export class RegistryError extends LimgError {
  constructor(message: string, suggestion?: string, options?: {cause?: unknown}) {
    super(message, suggestion, 'REGISTRY_ERROR', 5, options)
  }
}

/**
 * AWS refused or failed a call to a service other than ECR (Lambda, IAM, CloudWatch Logs):
 * exit 5 like ECR's failures. `awsCode` is AWS's exception name
 * (`ResourceConflictException`), for callers that act on it.
 */
export class AwsError extends LimgError {
  constructor(
    message: string,
    suggestion?: string,
    options?: {cause?: unknown; awsCode?: string},
  ) {
    super(message, suggestion, 'AWS_ERROR', 5, options)
    this.awsCode = options?.awsCode
  }

  readonly awsCode: string | undefined
}

/** A local container could not be started or reached. */
export class LocalRunError extends LimgError {
  constructor(message: string, suggestion?: string, options?: {cause?: unknown}) {
    super(message, suggestion, 'LOCAL_RUN_FAILED', 6, options)
  }
}

/** A local disk limg writes to (its download cache) has no space left. */
export class DiskFullError extends LimgError {
  constructor(message: string, suggestion?: string, options?: {cause?: unknown}) {
    super(message, suggestion, 'DISK_FULL', 7, options)
  }
}

/**
 * The signals limg stops on, cleaning up first, and the exit code of each: 128 + the
 * signal's number, as shells report a process the signal ended. SIGHUP is a closed
 * terminal or a dropped SSH session, SIGTERM a `kill` or a CI runner cancelling a job.
 */
export const SIGNAL_EXIT_CODES = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143} as const
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES

/** Ctrl-C (or SIGHUP, SIGTERM): work stopped and cleaned up; the exit code says which signal. */
export class InterruptedError extends LimgError {
  constructor(
    readonly signal: StopSignal = 'SIGINT',
    message = `Interrupted (${signal}); stopped and cleaned up.`,
  ) {
    super(message, undefined, 'INTERRUPTED', SIGNAL_EXIT_CODES[signal])
  }
}

export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  invalidInput: 2,
  engineUnavailable: 3,
  buildFailed: 4,
  registry: 5,
  localRun: 6,
  diskFull: 7,
  /** Some of a repository's functions failed; each one's outcome is in the result. */
  someFunctionsFailed: 8,
  hangup: SIGNAL_EXIT_CODES.SIGHUP,
  interrupted: SIGNAL_EXIT_CODES.SIGINT,
  terminated: SIGNAL_EXIT_CODES.SIGTERM,
} as const

/**
 * An error as limg reports it: printed at the edge (src/cli/error-output.ts), or recorded in
 * a result beside others that did not fail (a function of many).
 */
export interface ErrorDescription {
  code: string
  message: string
  exitCode: number
  suggestion?: string
  details?: string[]
}

export function describeError(error: unknown): ErrorDescription {
  if (error instanceof LimgError) {
    return {code: error.code, message: error.message, exitCode: error.exitCode, ...(error.suggestion ? {suggestion: error.suggestion} : {}), ...(error.details.length ? {details: error.details} : {})}
  }
  const message = error instanceof Error ? error.message || error.name : String(error)
  return {code: 'UNEXPECTED', message: `Unexpected failure: ${message || 'unknown error'}`, exitCode: EXIT_CODES.failure, suggestion: 'Run again with LIMG_DEBUG=1 for the details.'}
}
