import {BuildFailedError} from '../errors/index.js'
import {plainText} from '../util/terminal-text.js'
import {LineSplitter} from './line-splitter.js'

/** What a build reports while it runs; the UI decides how to show it. */
export type BuildEvent =
  | {type: 'step'; index: number; total: number; instruction: string}
  | {type: 'step-done'; index: number; total: number; instruction: string; cached: boolean; durationMs: number}
  | {type: 'output'; index: number; line: string}
  | {type: 'pull'; id?: string; status: string; progress?: string}

export interface BuildStreamResult {
  imageId: string
  steps: number
  cachedSteps: number
}

/** A line of the engine's JSON build stream (classic builder, API 1.41). */
interface StreamMessage {
  stream?: string
  status?: string
  id?: string
  progress?: string
  aux?: {ID?: string}
  error?: string
  errorDetail?: {message?: string; code?: number}
}

const STEP_LINE = /^Step (\d+)\/(\d+) : (.*)$/
/** Podman's (Buildah's) steps: numbered per stage, `[2/3] STEP 1/4: FROM …` in a multi-stage build. */
const BUILDAH_STEP_LINE = /^(?:\[(\d+)\/(\d+)\] )?STEP (\d+)\/(\d+): (.*)$/
/** Buildah's bookkeeping: `--> 3f4a…`, `COMMIT name`, the new image's bare ID, an unused build argument. */
const BUILDAH_NOISE = /^(-->|COMMIT\b|[0-9a-f]{64}$|\[Warning\] one or more build args were not consumed)/
const OUTPUT_TAIL = 20

/**
 * Follows the classic builder's JSON-lines stream. The stream ending is not success: any
 * `error`/`errorDetail` line fails the build, naming the step that failed and its last output.
 */
export class BuildStreamParser {
  private readonly lines = new LineSplitter((line) => this.handleLine(line))
  private current: {index: number; total: number; instruction: string; startedAt: number; cached: boolean} | undefined
  private readonly tail: string[] = []
  private imageId: string | undefined
  private steps = 0
  private cachedSteps = 0
  /** Buildah's stages: the steps of those before the current one, so its numbers count across stages. */
  private stage = {number: 0, offset: 0, total: 0}
  private failure: BuildFailedError | undefined

  constructor(
    private readonly onEvent: (event: BuildEvent) => void = () => {},
    private readonly now: () => number = Date.now,
    private readonly describe: (instruction: string) => string = (instruction) => instruction,
  ) {}

  /** Feeds a chunk of the raw stream; lines may be split across chunks. */
  write(chunk: Buffer | string): void {
    this.lines.write(chunk)
  }

  /** Ends the stream: returns the result, or throws the build's failure. */
  end(): BuildStreamResult {
    this.lines.end()
    if (this.failure) throw this.failure
    this.finishStep()
    if (!this.imageId) {
      throw new BuildFailedError(
        'The engine ended the build without reporting an image.',
        'Run the build again; if it persists, check the engine with `docker info`.',
        {details: [...this.tail]},
      )
    }
    return {imageId: this.imageId, steps: this.steps, cachedSteps: this.cachedSteps}
  }

  private handleLine(line: string): void {
    let message: StreamMessage
    try {
      message = JSON.parse(line) as StreamMessage
    } catch {
      // Proxies and old engines sometimes interleave plain text; keep it as output.
      message = {stream: line}
    }
    if (message.error || message.errorDetail) {
      this.fail(message.errorDetail?.message ?? message.error ?? 'unknown error')
      return
    }
    if (message.aux?.ID) this.imageId = message.aux.ID
    if (message.status) {
      this.onEvent({type: 'pull', status: message.status, ...(message.id ? {id: message.id} : {}), ...(message.progress ? {progress: message.progress} : {})})
    }
    if (message.stream !== undefined) {
      // npm and other tools colour their output when they think a terminal reads it; the
      // codes would end up in messages, --json details and the live view.
      for (const raw of message.stream.split('\n')) this.handleText(plainText(raw))
    }
  }

  private handleText(text: string): void {
    const trimmed = text.trim()
    if (!trimmed) return
    const step = STEP_LINE.exec(trimmed) ?? this.buildahStep(trimmed)
    if (step) {
      this.finishStep()
      this.current = {index: Number(step[1]), total: Number(step[2]), instruction: this.describe(step[3]!), startedAt: this.now(), cached: false}
      this.steps = Math.max(this.steps, this.current.total)
      this.tail.length = 0
      this.onEvent({type: 'step', index: this.current.index, total: this.current.total, instruction: this.current.instruction})
      return
    }
    if (trimmed === '---> Using cache' || trimmed.startsWith('--> Using cache')) {
      if (this.current) this.current.cached = true
      return
    }
    // Builder bookkeeping (" ---> 3f2a…", "Removing intermediate container …") is noise to users.
    if (trimmed.startsWith('--->') || trimmed.startsWith('Removing intermediate container') || BUILDAH_NOISE.test(trimmed)) return
    if (/^Successfully (built|tagged) /.test(trimmed)) {
      const built = /^Successfully built ([0-9a-f]+)$/.exec(trimmed)
      if (built && !this.imageId) this.imageId = built[1]
      return
    }
    this.tail.push(text)
    if (this.tail.length > OUTPUT_TAIL) this.tail.shift()
    this.onEvent({type: 'output', index: this.current?.index ?? 0, line: text})
  }

  /**
   * A Buildah step as Docker's `[index, total, instruction]`, numbered across stages: the total
   * grows as each stage starts, since a stage's count is known only then.
   */
  private buildahStep(text: string): [string, string, string, string] | undefined {
    const match = BUILDAH_STEP_LINE.exec(text)
    if (!match) return undefined
    const stageNumber = Number(match[1] ?? 1)
    if (stageNumber !== this.stage.number) this.stage = {number: stageNumber, offset: this.stage.offset + (this.stage.number ? this.stage.total : 0), total: Number(match[4])}
    const index = this.stage.offset + Number(match[3])
    return [text, String(index), String(this.stage.offset + this.stage.total), match[5]!]
  }

  private finishStep(): void {
    const step = this.current
    if (!step) return
    this.current = undefined
    if (step.cached) this.cachedSteps += 1
    this.onEvent({
      type: 'step-done',
      index: step.index,
      total: step.total,
      instruction: step.instruction,
      cached: step.cached,
      durationMs: this.now() - step.startedAt,
    })
  }

  private fail(reason: string): void {
    if (this.failure) return
    const step = this.current
    const where = step ? `Step ${step.index}/${step.total} (${truncate(step.instruction, 80)}) failed` : 'The build failed'
    this.failure = new BuildFailedError(
      `${where}: ${oneLine(plainText(this.describe(reason)))}`,
      step ? 'Fix the step (its last output is shown), then build again.' : 'Check the Dockerfile and the build context, then build again.',
      {details: [...this.tail]},
    )
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
