/**
 * A place where a Lambda function runs behind the Runtime Interface Emulator:
 * host processes here, a container of the offline base image elsewhere. The
 * outcome suite only talks to this interface, so the same tests run on both.
 */
export interface HandlerFixture {
  /** The handler setting (`_HANDLER`, the image's CMD), e.g. `index.handler`. */
  handler: string
  /** Files of the task root (/var/task), by path relative to it. */
  files: Record<string, string>
  /** Files of /opt, where layers land (e.g. `nodejs/node_modules/pkg/index.js`), by path relative to it. */
  opt?: Record<string, string>
}

export interface StopResult {
  /** Exit code of the emulator (the container's main process); null if killed by a signal. */
  exitCode: number | null
}

export interface RuntimeTarget {
  /** Major version of the Node that runs the function (top-level await needs 14 or later). */
  readonly nodeMajor: number
  /** Starts the emulator with the function; resolves once the invoke endpoint accepts connections. */
  start(fixture: HandlerFixture, env?: Record<string, string>): Promise<void>
  /** URL of the invoke endpoint (`.../2015-03-31/functions/function/invocations`). */
  invokeUrl(): string
  /** Stops the emulator with SIGTERM and releases everything start() created. */
  stop(): Promise<StopResult>
  /** Everything the emulator and the runtime have written to stdout and stderr so far. */
  logs(): string
}
