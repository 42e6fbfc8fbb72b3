import {Command, Errors} from '@oclif/core'
import {type AppContext, createContext} from '../app/context.js'
import {InterruptedError, InvalidInputError, LimgError, type StopSignal, describeError} from '../errors/index.js'
import type {FunctionsEvent, FunctionsResult} from '../app/functions.js'
import {functionsExitCode} from '../app/functions.js'
import {FunctionsProgressView, type FunctionsWording, functionsSummary} from '../ui/functions-progress.js'
import {isInteractive} from '../ui/terminal.js'
import {type ErrorReport, writeError} from './error-output.js'
import {claimStopSignals} from './process-edge.js'

export type {ErrorJson} from './error-output.js'

/**
 * The shared shell of every limg command: `--json`, one-line errors with a suggestion,
 * warnings that reach both the terminal and the JSON result, and Ctrl-C (SIGINT), SIGTERM
 * and SIGHUP turned into an AbortSignal so domain code can clean up before the process
 * exits with 130, 143 or 129. A second signal exits at once (see ProcessEdge).
 */
export abstract class LimgCommand<T extends object> extends Command {
  static override enableJsonFlag = true

  protected readonly abortController = new AbortController()
  private readonly warnings: string[] = []
  private releaseSignals: (() => void) | undefined
  /** Warnings kept back while a live view redraws its lines, printed once it stops. */
  private heldWarnings: string[] | undefined

  protected get signal(): AbortSignal {
    return this.abortController.signal
  }

  private appContext: AppContext | undefined

  /** What the use-cases run with: this process's environment, Ctrl-C, and warnings that reach the output. */
  protected get context(): AppContext {
    this.appContext ??= createContext({env: process.env, signal: this.signal, warn: (message) => this.addWarning(message), note: (line) => this.note(line)})
    return this.appContext
  }

  protected get interactive(): boolean {
    return !this.jsonEnabled() && isInteractive(process.stderr)
  }

  public override async init(): Promise<void> {
    this.releaseSignals = claimStopSignals(this.onStopSignal)
    await super.init()
  }

  private readonly onStopSignal = (signal: StopSignal): void => {
    this.abortController.abort(new InterruptedError(signal))
  }

  /** Records a warning: printed to stderr now, and carried in the `--json` result. */
  protected addWarning(message: string | undefined): void {
    if (!message) return
    this.warnings.push(message)
    if (this.jsonEnabled()) return
    if (this.heldWarnings) this.heldWarnings.push(message)
    else process.stderr.write(`Warning: ${message}\n`)
  }

  /** The command's typed result with the warnings gathered along the way. */
  protected withWarnings<R extends object>(result: R): R & {warnings: string[]} {
    return {...result, warnings: [...this.warnings]}
  }

  /** Text for humans on stderr; nothing when `--json` owns the output. */
  protected note(line: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${line}\n`)
  }

  public abstract override run(): Promise<T>

  /**
   * A command's work for many functions of a repository: one progress view, a summary line
   * per function, one line per success on stdout (`line`), and the exit code that says
   * whether all succeeded (functionsExitCode). The result is what `--json` prints.
   */
  protected async forFunctions<E, R>(
    wording: FunctionsWording<E, R>,
    work: (onEvent?: (event: FunctionsEvent<E, R>) => void) => Promise<FunctionsResult<R>>,
    line: (result: R) => string,
  ): Promise<FunctionsResult<R> & {warnings: string[]}> {
    const view = this.jsonEnabled() ? undefined : new FunctionsProgressView(process.stderr, this.interactive, wording, Date.now, () => process.stderr.columns || 100)
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

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    if (err instanceof Errors.ExitError) throw err
    // Work that failed because it was interrupted reports the interruption, not its own error.
    const reason: unknown = this.signal.aborted ? this.signal.reason : undefined
    if (reason instanceof InterruptedError && !(err instanceof InterruptedError)) err = reason
    // Whatever fails while the command line is parsed is bad input, also a flag's own check
    // (`--rie` must exist), which oclif throws as a plain Error.
    else if (!this.parsed && !(err instanceof LimgError) && !(err instanceof Errors.CLIError)) err = new InvalidInputError(err.message, undefined, {cause: err})
    // oclif's own errors (a flag it refused) are bad input in its words; other errors keep an exit code they carry.
    const exitCode = err.oclif?.exit ?? err.exitCode ?? 1
    const report: ErrorReport =
      err instanceof LimgError ? describeError(err) : err instanceof Errors.CLIError ? {code: 'INVALID_INPUT', message: err.message, exitCode} : {...describeError(err), exitCode}
    writeError(report, this.jsonEnabled())
    if (process.env.LIMG_DEBUG && !this.jsonEnabled()) process.stderr.write(`${describeCauses(err)}\n`)
    this.exit(report.exitCode)
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    this.releaseSignals?.()
    // Work that ends normally when interrupted (`limg logs --follow`) still exits as interrupted.
    const reason: unknown = this.signal.aborted ? this.signal.reason : undefined
    if (!err && reason instanceof InterruptedError) process.exitCode = reason.exitCode
    await super.finally(err)
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
