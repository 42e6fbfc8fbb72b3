import {type AppContext, createContext} from '../app/context.js'
import {InterruptedError, LimgError, type StopSignal, describeError} from '../errors/index.js'
import type {FunctionsEvent, FunctionsResult} from '../app/functions.js'
import {functionsExitCode} from '../app/functions.js'
import {FunctionsProgressView, type FunctionsWording, functionsSummary} from '../ui/functions-progress.js'
import {isInteractive} from '../ui/terminal.js'
import {type ErrorReport, writeError} from './error-output.js'
import {claimStopSignals} from './process-edge.js'

/**
 * What a command does around its work, without oclif: `--json`, warnings that reach both
 * the terminal and the JSON result, one-line errors at the edge, and Ctrl-C (SIGINT),
 * SIGTERM and SIGHUP turned into an AbortSignal so domain code can clean up before the
 * process exits with 130, 143 or 129. oclif's commands (base-command.ts) hold one, and so
 * does the fast start (fast-start.ts), which runs the hot commands without loading oclif.
 */
export class CommandShell {
  private readonly abortController = new AbortController()
  private readonly warnings: string[] = []
  private releaseSignals: (() => void) | undefined
  /** Warnings kept back while a live view redraws its lines, printed once it stops. */
  private heldWarnings: string[] | undefined
  private appContext: AppContext | undefined

  constructor(readonly json: boolean) {}

  get signal(): AbortSignal {
    return this.abortController.signal
  }

  /** What the use-cases run with: this process's environment, Ctrl-C, and warnings that reach the output. */
  get context(): AppContext {
    this.appContext ??= createContext({env: process.env, signal: this.signal, warn: (message) => this.addWarning(message), note: (line) => this.note(line)})
    return this.appContext
  }

  /** Whether live progress may redraw lines: a terminal, outside CI, and not `--json`. */
  get interactive(): boolean {
    return !this.json && isInteractive(process.stderr)
  }

  /** The signals are this command's until `release`. */
  claimSignals(): void {
    this.releaseSignals = claimStopSignals((signal: StopSignal) => this.abortController.abort(new InterruptedError(signal)))
  }

  /**
   * Gives the signals back once the command has ended; work that ends normally when
   * interrupted (`limg logs --follow`) still exits as interrupted.
   */
  release(failed: boolean): void {
    this.releaseSignals?.()
    const reason: unknown = this.signal.aborted ? this.signal.reason : undefined
    if (!failed && reason instanceof InterruptedError) process.exitCode = reason.exitCode
  }

  /** Records a warning: printed to stderr now, and carried in the `--json` result. */
  addWarning(message: string | undefined): void {
    if (!message) return
    this.warnings.push(message)
    if (this.json) return
    if (this.heldWarnings) this.heldWarnings.push(message)
    else process.stderr.write(`Warning: ${message}\n`)
  }

  /** The command's typed result with the warnings gathered along the way. */
  withWarnings<R extends object>(result: R): R & {warnings: string[]} {
    return {...result, warnings: [...this.warnings]}
  }

  /** Text for humans on stderr; nothing when `--json` owns the output. */
  note(line: string): void {
    if (!this.json) process.stderr.write(`${line}\n`)
  }

  /** The command's answer on stdout (an image, a digest, an endpoint); nothing with `--json`. */
  log(line: string): void {
    if (!this.json) process.stdout.write(`${line}\n`)
  }

  /** The `--json` result, as oclif prints it. */
  printResult(result: object): void {
    if (this.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  }

  /**
   * A command's work for many functions of a repository: one progress view, a summary line
   * per function, one line per success on stdout (`line`), and the exit code that says
   * whether all succeeded (functionsExitCode). The result is what `--json` prints.
   */
  async forFunctions<E, R>(
    wording: FunctionsWording<E, R>,
    work: (onEvent?: (event: FunctionsEvent<E, R>) => void) => Promise<FunctionsResult<R>>,
    line: (result: R) => string,
  ): Promise<FunctionsResult<R> & {warnings: string[]}> {
    const view = this.json ? undefined : new FunctionsProgressView(process.stderr, this.interactive, wording, Date.now, () => process.stderr.columns || 100)
    let result: FunctionsResult<R>
    if (this.interactive) this.heldWarnings = []
    try {
      result = await work(view?.handle)
    } finally {
      view?.stop()
      for (const warning of this.heldWarnings ?? []) process.stderr.write(`Warning: ${warning}\n`)
      this.heldWarnings = undefined
    }
    for (const fn of result.functions) {
      // Each function's warnings stay in its own result; on the terminal they name it.
      for (const warning of fn.ok ? ((fn.result as {warnings?: string[]}).warnings ?? []) : []) this.note(`Warning: ${fn.name}: ${warning}`)
    }
    for (const summary of functionsSummary(result, wording)) this.note(summary)
    for (const fn of result.functions) if (fn.ok) this.log(line(fn.result))
    process.exitCode = functionsExitCode(result)
    return this.withWarnings(result)
  }

  /**
   * Prints what the command failed with, once, and returns the exit code. Work that failed
   * because it was interrupted reports the interruption, not its own error. `report` is
   * given for errors only the caller knows how to describe (oclif's own).
   */
  fail(err: Error & {exitCode?: number}, report?: ErrorReport): number {
    const reason: unknown = this.signal.aborted ? this.signal.reason : undefined
    const failure = reason instanceof InterruptedError && !(err instanceof InterruptedError) ? reason : err
    const described: ErrorReport =
      failure === err && report ? report : failure instanceof LimgError ? describeError(failure) : {...describeError(failure), exitCode: failure.exitCode ?? 1}
    writeError(described, this.json)
    if (process.env.LIMG_DEBUG && !this.json) process.stderr.write(`${describeCauses(failure)}\n`)
    return described.exitCode
  }
}

function describeCauses(err: unknown): string {
  const parts: string[] = []
  let current: unknown = err
  while (current instanceof Error) {
    parts.push(current.stack ?? current.message)
    current = current.cause
  }
  return parts.join('\nCaused by: ')
}
