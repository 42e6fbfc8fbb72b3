export type LogStreamName = 'stdout' | 'stderr'

export interface LogLine {
  stream: LogStreamName
  text: string
  /** The engine's time for the line (ISO, nanoseconds), when timestamps were asked for. */
  time?: string
}

const HEADER = 8

/**
 * Splits the engine's multiplexed log stream (8-byte frame headers: stream type, 3 zero
 * bytes, big-endian length) into whole lines per stream. Frames and lines may be split
 * across chunks; a partial last line is kept until the next chunk or {@link end}.
 */
export class LogLineSplitter {
  private pending: Buffer = Buffer.alloc(0)
  private readonly partial: Record<LogStreamName, string> = {stdout: '', stderr: ''}

  constructor(
    private readonly onLine: (line: LogLine) => void,
    private readonly timestamps = false,
  ) {}

  write(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    while (this.pending.length >= HEADER) {
      const length = this.pending.readUInt32BE(4)
      if (this.pending.length < HEADER + length) break
      const stream: LogStreamName = this.pending[0] === 2 ? 'stderr' : 'stdout'
      this.text(stream, this.pending.subarray(HEADER, HEADER + length).toString('utf8'))
      this.pending = this.pending.subarray(HEADER + length)
    }
  }

  /** Flushes lines that never got their newline. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.emit(stream, this.partial[stream])
      this.partial[stream] = ''
    }
  }

  private text(stream: LogStreamName, text: string): void {
    const parts = (this.partial[stream] + text).split('\n')
    this.partial[stream] = parts.pop() ?? ''
    for (const part of parts) this.emit(stream, part)
  }

  private emit(stream: LogStreamName, raw: string): void {
    const text = raw.replace(/\r$/, '')
    if (!this.timestamps) return this.onLine({stream, text})
    const space = text.indexOf(' ')
    this.onLine(space < 0 ? {stream, text} : {stream, time: text.slice(0, space), text: text.slice(space + 1)})
  }
}

const START = /^START RequestId: (\S+)/
const END_OR_REPORT = /^(END|REPORT) RequestId: (\S+)/

/** The request id a START line opens, if it is one. */
export function startedRequest(text: string): string | undefined {
  return START.exec(text)?.[1]
}

/** The request id a REPORT line closes, if it is one. */
export function reportedRequest(text: string): string | undefined {
  const match = END_OR_REPORT.exec(text)
  return match && match[1] === 'REPORT' ? match[2] : undefined
}
