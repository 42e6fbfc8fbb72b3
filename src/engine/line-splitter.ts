import {StringDecoder} from 'node:string_decoder'

/**
 * Cuts the engine's streamed answers (build, pull, push: one JSON object a line) into whole
 * lines. A chunk may end inside a line, or inside a multi-byte character of a step's output,
 * so text is decoded across chunks and a line is handed on only once it is complete.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8')
  private buffer = ''

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer | string): void {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk)
    let newline: number
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim()
      this.buffer = this.buffer.slice(newline + 1)
      if (line) this.onLine(line)
    }
  }

  /** Hands on what is left after the last newline. */
  end(): void {
    const rest = (this.buffer + this.decoder.end()).trim()
    this.buffer = ''
    if (rest) this.onLine(rest)
  }
}
