import {StringDecoder} from 'node:string_decoder'

/**
 * Cuts the engine's streamed answers (build, pull, push: one JSON object a line; a container's
 * log) into whole lines. A chunk may end inside a line, or inside a multi-byte character of a
 * step's output, so text is decoded across chunks and a line is handed on only once it is
 * complete. JSON lines come trimmed and blank ones dropped; with `keepBlank` (a log) every
 * line comes as it was written, without its line break.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8')
  private buffer = ''
  private readonly keepBlank: boolean

  constructor(
    private readonly onLine: (line: string) => void,
    options: {keepBlank?: boolean} = {},
  ) {
    this.keepBlank = options.keepBlank ?? false
  }

  write(chunk: Buffer | string): void {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk)
    let newline: number
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline)
      this.buffer = this.buffer.slice(newline + 1)
      this.hand(line)
    }
  }

  /** Hands on what is left after the last newline. */
  end(): void {
    const rest = this.buffer + this.decoder.end()
    this.buffer = ''
    if (rest !== '') this.hand(rest)
  }

  private hand(line: string): void {
    if (this.keepBlank) return this.onLine(line.replace(/\r$/, ''))
    const trimmed = line.trim()
    if (trimmed) this.onLine(trimmed)
  }
}
