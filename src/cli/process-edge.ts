import {InterruptedError, SIGNAL_EXIT_CODES, type StopSignal, describeError} from '../errors/index.js'
import {type ErrorReport, wantsJson, writeError} from './error-output.js'

export const STOP_SIGNALS = Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]

/** What the edge needs of `process`; tests pass a stand-in. */
export interface EdgeProcess {
  on(event: string, listener: (...args: never[]) => void): unknown
  exit(code: number): never
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream
  readonly env: NodeJS.ProcessEnv
}

/**
 * The process-wide half of limg's failure handling, installed by bin/run.js before anything
 * else loads: SIGINT, SIGTERM and SIGHUP, writes to a terminal that has gone away, and
 * errors nothing caught.
 *
 * A signal before a command has claimed the signals (oclif still loading) ends the process at
 * once with one line and 128 + the signal's number, since nothing has been started. Once a
 * command claims them, the first signal is handed to it (it aborts its work, cleans up and
 * exits with the same code); a second one exits at once, for a cleanup that hangs.
 */
export class ProcessEdge {
  private handler: ((signal: StopSignal) => void) | undefined
  private first: StopSignal | undefined

  constructor(
    private readonly proc: EdgeProcess,
    private readonly argv: readonly string[],
  ) {}

  install(): void {
    for (const signal of STOP_SIGNALS) this.proc.on(signal, () => this.receive(signal))
    // A closed terminal (SIGHUP's usual cause) or a reader that went away (`limg ... | head`)
    // turns later writes into EIO or EPIPE errors; unheard, they would end the process with a
    // stack trace before the cleanup the signal started has run.
    for (const stream of [this.proc.stdout, this.proc.stderr]) stream.on('error', () => {})
    this.proc.on('uncaughtException', (error: unknown) => this.unexpected(error))
    this.proc.on('unhandledRejection', (reason: unknown) => this.unexpected(reason))
  }

  /** A command takes the signals over; the returned function gives them back. */
  claim(handler: (signal: StopSignal) => void): () => void {
    this.handler = handler
    return () => {
      if (this.handler === handler) this.handler = undefined
    }
  }

  receive(signal: StopSignal): void {
    if (this.first) {
      this.report({
        code: 'INTERRUPTED',
        message: `${signal} again: exited at once, without finishing the cleanup.`,
        suggestion: '`limg stop` removes a function container left running.',
        exitCode: SIGNAL_EXIT_CODES[this.first],
      })
      this.proc.exit(SIGNAL_EXIT_CODES[this.first])
    }
    this.first = signal
    if (this.handler) {
      this.handler(signal)
      return
    }
    const interrupted = new InterruptedError(signal, `Interrupted (${signal}) while limg was starting; nothing had been started.`)
    this.report(describeError(interrupted))
    this.proc.exit(interrupted.exitCode)
  }

  /**
   * Ends the process for what oclif's run rejects with: a command's own exit (already
   * reported by the command), or a failure outside any command, such as an unknown command,
   * which oclif would print in its own multi-line format.
   */
  exitWith(error: unknown): never {
    const failure = error as {code?: string; oclif?: {exit?: number}; message?: string} | undefined
    if (failure?.code === 'EEXIT') return this.proc.exit(failure.oclif?.exit ?? 0)
    const exitCode = failure?.oclif?.exit ?? 1
    if (exitCode !== 2) return this.unexpected(error)
    this.report({code: 'INVALID_INPUT', message: failure?.message ?? String(error), suggestion: 'Run `limg --help` for the commands and their flags.', exitCode})
    return this.proc.exit(exitCode)
  }

  private unexpected(error: unknown): never {
    this.report(describeError(error))
    if (this.proc.env.LIMG_DEBUG && error instanceof Error) this.proc.stderr.write(`${error.stack ?? error.message}\n`)
    return this.proc.exit(1)
  }

  private report(report: ErrorReport): void {
    writeError(report, wantsJson(this.argv), this.proc)
  }
}

let installed: ProcessEdge | undefined

/** Installs the edge for this process (once); bin/run.js calls it first thing. */
export function installProcessEdge(argv: readonly string[] = process.argv.slice(2)): ProcessEdge {
  if (!installed) {
    installed = new ProcessEdge(process as unknown as EdgeProcess, argv)
    installed.install()
  }
  return installed
}

/**
 * For commands: the signals go to `handler` until the returned function is called. Without
 * bin/run.js (a command run in-process by a test) the edge is installed here.
 */
export function claimStopSignals(handler: (signal: StopSignal) => void): () => void {
  return (installed ?? installProcessEdge()).claim(handler)
}
