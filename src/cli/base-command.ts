import {Command, Errors} from '@oclif/core'
import type {AppContext} from '../app/context.js'
import {InvalidInputError, LimgError} from '../errors/index.js'
import type {FunctionsEvent, FunctionsResult} from '../app/functions.js'
import type {FunctionsWording} from '../ui/functions-progress.js'
import {CommandShell} from './shell.js'

export type {ErrorJson} from './error-output.js'

/**
 * The oclif side of every limg command: oclif parses the command line and prints help, and
 * the command's CommandShell does the rest (`--json`, warnings, one-line errors, Ctrl-C as
 * an AbortSignal), the same shell the fast start runs the hot commands in.
 */
export abstract class LimgCommand<T extends object> extends Command {
  static override enableJsonFlag = true

  private commandShell: CommandShell | undefined

  /** What a command's body runs in; also given to the bodies in src/cli/bodies/. */
  protected get shell(): CommandShell {
    this.commandShell ??= new CommandShell(this.jsonEnabled())
    return this.commandShell
  }

  protected get context(): AppContext {
    return this.shell.context
  }

  protected get interactive(): boolean {
    return this.shell.interactive
  }

  public override async init(): Promise<void> {
    this.shell.claimSignals()
    await super.init()
  }

  protected addWarning(message: string | undefined): void {
    this.shell.addWarning(message)
  }

  protected withWarnings<R extends object>(result: R): R & {warnings: string[]} {
    return this.shell.withWarnings(result)
  }

  protected note(line: string): void {
    this.shell.note(line)
  }

  public abstract override run(): Promise<T>

  protected forFunctions<E, R>(
    wording: FunctionsWording<E, R>,
    work: (onEvent?: (event: FunctionsEvent<E, R>) => void) => Promise<FunctionsResult<R>>,
    line: (result: R) => string,
  ): Promise<FunctionsResult<R> & {warnings: string[]}> {
    return this.shell.forFunctions(wording, work, line)
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    if (err instanceof Errors.ExitError) throw err
    // Whatever fails while the command line is parsed is bad input, also a flag's own check
    // (`--rie` must exist), which oclif throws as a plain Error.
    if (!this.parsed && !(err instanceof LimgError) && !(err instanceof Errors.CLIError)) err = new InvalidInputError(err.message, undefined, {cause: err})
    // oclif's own errors (a flag it refused) are bad input in its words.
    const report = err instanceof Errors.CLIError ? {code: 'INVALID_INPUT', message: err.message, exitCode: err.oclif?.exit ?? 1} : undefined
    this.exit(this.shell.fail(err, report))
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    this.shell.release(err !== undefined)
    await super.finally(err)
  }
}
