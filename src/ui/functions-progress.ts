import type {FunctionOutcome, FunctionsEvent, FunctionsResult} from '../app/functions.js'
import {plural} from '../repository/repository.js'
import {plainText} from '../util/terminal-text.js'
import type {ProgressOutput} from './build-progress.js'

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const TICK_MS = 100

interface Row {
  name: string
  state: 'queued' | 'running' | 'ok' | 'failed'
  status: string
  startedAt?: number
}

/** How one command's events and results read in the view of many functions. */
export interface FunctionsWording<E, T> {
  /** The present tense of the work, for a function that has started: `building`. */
  doing: string
  /** A line for an event worth showing (a build step starting), else undefined. */
  status(event: E): string | undefined
  /** One line for a function that succeeded: `orders:x86_64, 9 steps, 4 from cache`. */
  summary(result: T): string
}

/**
 * One progress view for many functions at once. On a terminal: a line per function, redrawn
 * in place, with its latest step and elapsed time. Elsewhere (CI, pipes): a line when a
 * function starts, starts a step, and ends, each led by the function's name.
 */
export class FunctionsProgressView<E, T> {
  private rows: Row[] = []
  private drawn = 0
  private frame = 0
  private timer: NodeJS.Timeout | undefined
  private width = 0

  constructor(
    private readonly out: ProgressOutput,
    private readonly interactive: boolean,
    private readonly wording: FunctionsWording<E, T>,
    private readonly now: () => number = Date.now,
    private readonly columns: () => number = () => 100,
  ) {}

  readonly handle = (event: FunctionsEvent<E, T>): void => {
    switch (event.type) {
      case 'plan': {
        this.rows = event.functions.map((fn) => ({name: fn.name, state: 'queued', status: fn.waitsFor ? `waits for ${fn.waitsFor} (same dependencies)` : 'queued'}))
        this.width = Math.max(...this.rows.map((row) => row.name.length))
        this.print(`${plural(event.functions.length, 'function')} (from the ${event.source}), ${event.jobs} at a time`)
        // On a terminal the waiting rows say it; in a log, once here.
        if (!this.interactive) for (const fn of event.functions) if (fn.waitsFor) this.print(`${fn.name.padEnd(this.width)}  waits for ${fn.waitsFor} (same dependencies)`)
        if (this.interactive) {
          this.timer = setInterval(() => this.draw(), TICK_MS)
          this.timer.unref()
        }
        break
      }
      case 'start': {
        this.update(event.name, {state: 'running', status: this.wording.doing, startedAt: this.now()})
        break
      }
      case 'event': {
        const status = this.wording.status(event.event)
        if (status !== undefined) this.update(event.name, {status})
        break
      }
      case 'done': {
        this.update(event.outcome.name, {state: event.outcome.ok ? 'ok' : 'failed', status: outcomeLine(event.outcome, this.wording)})
        break
      }
    }
  }

  /** Ends the live view; the command prints the summary after it. */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.interactive) this.draw()
  }

  private update(name: string, change: Partial<Row>): void {
    const row = this.rows.find((r) => r.name === name)
    if (!row) return
    Object.assign(row, change)
    if (this.interactive) this.draw()
    else this.print(`${row.name.padEnd(this.width)}  ${row.state === 'ok' ? '✔ ' : row.state === 'failed' ? '✘ ' : ''}${row.status}`)
  }

  private draw(): void {
    this.frame = (this.frame + 1) % SPINNER.length
    let text = this.drawn > 0 ? `\x1b[${this.drawn}F` : ''
    for (const row of this.rows) {
      const mark = row.state === 'ok' ? '✔' : row.state === 'failed' ? '✘' : row.state === 'running' ? SPINNER[this.frame] : '·'
      const elapsed = row.state === 'running' && row.startedAt !== undefined ? `  ${((this.now() - row.startedAt) / 1000).toFixed(1)}s` : ''
      text += `\x1b[2K${this.fit(`${mark} ${row.name.padEnd(this.width)}  ${row.status}${elapsed}`)}\n`
    }
    this.drawn = this.rows.length
    this.out.write(text)
  }

  private print(line: string): void {
    // A log keeps whole lines; only a terminal's redrawn rows must fit its width.
    this.out.write(`${this.interactive ? this.fit(line) : line}\n`)
  }

  private fit(text: string): string {
    const max = Math.max(20, this.columns() - 1)
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`
  }
}

/** The summary after the work: a line per function, failures with their reason, then the count. */
export function functionsSummary<T>(result: FunctionsResult<T>, wording: FunctionsWording<unknown, T>): string[] {
  const width = Math.max(...result.functions.map((fn) => fn.name.length))
  const lines: string[] = []
  for (const fn of result.functions) {
    lines.push(`${fn.ok ? '✔' : '✘'} ${fn.name.padEnd(width)}  ${outcomeLine(fn, wording)}`)
    if (!fn.ok) for (const detail of fn.error.details ?? []) lines.push(`    | ${plainText(detail)}`)
  }
  const failed = result.failed ? `, ${result.failed} failed` : ''
  lines.push(`${plural(result.functions.length, 'function')}: ${result.succeeded} succeeded${failed}, in ${(result.durationMs / 1000).toFixed(1)}s (${result.jobs} at a time).`)
  return lines
}

function outcomeLine<T>(outcome: FunctionOutcome<T>, wording: FunctionsWording<unknown, T>): string {
  const took = `${(outcome.durationMs / 1000).toFixed(1)}s`
  if (outcome.ok) return `${wording.summary(outcome.result)} (${took})`
  const {message, suggestion, exitCode} = outcome.error
  return `failed (exit ${exitCode}): ${plainText(message).split('\n')[0]}${suggestion ? ` ${suggestion}` : ''}`
}
