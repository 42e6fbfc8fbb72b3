import {Command, Errors} from '@oclif/core'
import {InterruptedError, LimgError} from '../errors/index.js'
import {isInteractive} from '../ui/terminal.js'

export interface ErrorJson {
  error: {code: string; message: string; suggestion?: string; details?: string[]; exitCode: number}
}

/**
 * The shared shell of every limg command: `--json`, one-line errors with a suggestion,
 * warnings that reach both the terminal and the JSON result, and Ctrl-C turned into an
 * AbortSignal so domain code can clean up before the process exits with 130.
 */
export abstract class LimgCommand<T extends object> extends Command {
  static override enableJsonFlag = true

  protected readonly abortController = new AbortController()
  private readonly warnings: string[] = []
  private interrupts = 0

  protected get signal(): AbortSignal {
    return this.abortController.signal
  }

  protected get interactive(): boolean {
    return !this.jsonEnabled() && isInteractive(process.stderr)
  }

  public override async init(): Promise<void> {
    await super.init()
    process.on('SIGINT', this.onInterrupt)
    process.on('SIGTERM', this.onInterrupt)
  }

  private readonly onInterrupt = (): void => {
    this.interrupts += 1
    if (this.interrupts > 1) process.exit(130)
    this.abortController.abort(new InterruptedError())
  }

  /** Records a warning: printed to stderr now, and carried in the `--json` result. */
  protected addWarning(message: string | undefined): void {
    if (!message) return
    this.warnings.push(message)
    if (!this.jsonEnabled()) process.stderr.write(`Warning: ${message}\n`)
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

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    if (err instanceof Errors.ExitError) throw err
    const limg = err instanceof LimgError ? err : undefined
    const exitCode = limg?.exitCode ?? err.oclif?.exit ?? err.exitCode ?? 1
    const code = limg?.code ?? (err instanceof Errors.CLIError ? 'INVALID_INPUT' : 'UNEXPECTED')
    const message = oneLine(err.message)
    if (this.jsonEnabled()) {
      const details = limg?.details.length ? {details: limg.details} : {}
      const body: ErrorJson = {error: {code, message, exitCode, ...(limg?.suggestion ? {suggestion: limg.suggestion} : {}), ...details}}
      process.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
    } else {
      process.stderr.write(`Error: ${message}${limg?.suggestion ? ` ${limg.suggestion}` : ''}\n`)
      for (const line of limg?.details ?? []) process.stderr.write(`  | ${line}\n`)
      if (process.env.LIMG_DEBUG) process.stderr.write(`${describeCauses(err)}\n`)
    }
    this.exit(exitCode)
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    process.off('SIGINT', this.onInterrupt)
    process.off('SIGTERM', this.onInterrupt)
    await super.finally(err)
  }
}

function oneLine(message: string): string {
  // oclif's parse errors span several lines; users get the first (and the "See more help" hint).
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean)
  return lines.join(' ')
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
