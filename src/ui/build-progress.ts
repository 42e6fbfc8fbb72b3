import type {BuildProgressEvent} from '../build/events.js'
import {describeKeptOut} from '../context/deny-list.js'

export interface ProgressOutput {
  write(text: string): void
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const TICK_MS = 100
// Built from a string: a regex literal with the escape character trips no-control-regex.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')

/**
 * Renders `limg build` events. On a terminal: one live line per step with a spinner and
 * its elapsed time, settled to a tick with "cached" or the time it took, and the step's
 * latest output beside it. Elsewhere (CI, pipes): plain lines, every output line kept.
 */
export class BuildProgressRenderer {
  private live: {label: string; startedAt: number; lastOutput: string} | undefined
  private timer: NodeJS.Timeout | undefined
  private frame = 0
  private lastPull = ''

  constructor(
    private readonly out: ProgressOutput,
    private readonly interactive: boolean,
    private readonly now: () => number = Date.now,
    private readonly columns: () => number = () => 100,
  ) {}

  readonly handle = (event: BuildProgressEvent): void => {
    switch (event.type) {
      case 'context': {
        const install = event.install ? `, dependencies with ${event.install}` : ''
        this.line(`Building ${event.tags.join(', ')} for ${event.platform} from ${event.baseImage} (${event.dockerfile === 'template' ? "limg's Dockerfile template" : "the project's Dockerfile"}${install})`)
        for (const {from, to} of event.replacedBases) this.line(`  FROM ${from} builds from ${to} (in the build only; the Dockerfile is unchanged)`)
        break
      }
      case 'secrets': {
        if (event.keptOut.length > 0) this.line(`Kept out of the image (secrets): ${describeKeptOut(event.keptOut)}. A \`!path\` line in .dockerignore puts one back.`)
        if (event.reincluded.length > 0) this.line(`In the image because .dockerignore names them: ${describeKeptOut(event.reincluded)}.`)
        if (event.installConfig.length > 0) this.line(`${event.installConfig.join(', ')}: read by the dependency install only, in no layer of the image.`)
        break
      }
      case 'base-pull': {
        const text = `Pulling ${event.image}: ${event.progress.id ? `${event.progress.id} ` : ''}${event.progress.status}`
        if (this.interactive) this.overwrite(`${text} ${event.progress.progress ?? ''}`)
        else if (text !== this.lastPull) this.line(text)
        this.lastPull = text
        break
      }
      case 'engine': {
        const e = event.event
        if (e.type === 'step') this.startStep(`Step ${e.index}/${e.total} ${e.instruction}`)
        else if (e.type === 'step-done') this.finishStep(`Step ${e.index}/${e.total} ${e.instruction}`, e.cached, e.durationMs)
        else if (e.type === 'output') this.output(e.line)
        break
      }
      case 'waiting': {
        this.line(`Another limg build of ${event.tag}${event.pid ? ` (pid ${event.pid})` : ''} is running; waiting for it to finish…`)
        break
      }
      case 'context-sent': {
        this.stop()
        break
      }
      case 'direct-step': {
        this.line(event.cached ? `${event.message} (cached)` : event.message)
        break
      }
      case 'checking': {
        this.stop()
        this.line(`Checking ${event.image} (architecture, handler file, size)`)
        break
      }
    }
  }

  /** Stops the live line; call when the build ends, failed or not. */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.live && this.interactive) this.out.write('\r\x1b[2K')
    this.live = undefined
  }

  private startStep(label: string): void {
    this.live = {label, startedAt: this.now(), lastOutput: ''}
    if (!this.interactive) {
      this.line(label)
      return
    }
    this.render()
    this.timer ??= setInterval(() => this.render(), TICK_MS)
    this.timer.unref()
  }

  private finishStep(label: string, cached: boolean, durationMs: number): void {
    const status = cached ? 'cached' : seconds(durationMs)
    if (this.interactive) {
      this.stop()
      this.line(`✔ ${this.fit(label, status.length + 4)}  ${status}`)
    } else {
      this.line(`  ${cached ? 'cached' : `done in ${status}`}`)
      this.live = undefined
    }
  }

  private output(raw: string): void {
    // The engine colours a step's stderr; plain logs and the live line want the text.
    const text = raw.replace(ANSI_COLOUR, '')
    if (!text.trim()) return
    if (!this.interactive) {
      this.line(`  | ${text}`)
      return
    }
    if (this.live) this.live.lastOutput = text.trim()
  }

  private render(): void {
    if (!this.live) return
    this.frame = (this.frame + 1) % SPINNER.length
    const elapsed = seconds(this.now() - this.live.startedAt)
    const head = `${SPINNER[this.frame]} ${this.live.label}`
    const tail = this.live.lastOutput ? `  ${this.live.lastOutput}` : ''
    this.overwrite(`${this.fit(`${head}  ${elapsed}${tail}`, 0)}`)
  }

  private overwrite(text: string): void {
    this.out.write(`\r\x1b[2K${this.fit(text, 0)}`)
  }

  private line(text: string): void {
    if (this.interactive && this.live) this.out.write('\r\x1b[2K')
    this.out.write(`${text}\n`)
    if (this.interactive && this.live) this.render()
  }

  private fit(text: string, reserve: number): string {
    const max = Math.max(20, this.columns() - 1 - reserve)
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`
}
