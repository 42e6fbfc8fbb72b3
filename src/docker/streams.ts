import type {IncomingMessage} from 'node:http'
import type {Readable} from 'node:stream'
import {abortReason} from '../util/abort.js'
import {asEngineError} from './connection.js'
import {LineSplitter} from './line-splitter.js'

/** What the engine's API answers in one piece is awaited through this: socket failures become EngineUnavailableError. */
export async function engineCall<T>(target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw asEngineError(error, target)
  }
}

/**
 * Reads a streaming answer (build, pull, push) to its end, chunk by chunk. Ctrl-C destroys it,
 * which makes the engine cancel the work; an error thrown by `onChunk` ends it too.
 */
export function followResponse(response: IncomingMessage, target: string, onChunk: (chunk: Buffer) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = (): void => {
      response.destroy()
      reject(abortReason(signal))
    }
    if (signal?.aborted) return abort()
    signal?.addEventListener('abort', abort, {once: true})
    const settle = (): void => signal?.removeEventListener('abort', abort)
    response.on('data', (chunk: Buffer) => {
      try {
        onChunk(chunk)
      } catch (error) {
        settle()
        response.destroy()
        reject(error)
      }
    })
    response.on('end', () => {
      settle()
      resolve()
    })
    response.on('error', (error) => {
      settle()
      reject(asEngineError(error, target))
    })
  })
}

export type LogStreamName = 'stdout' | 'stderr'

export interface LogLine {
  stream: LogStreamName
  text: string
  /** When it was written (ISO), where the source says: CloudWatch events do, a container's log here does not. */
  time?: string
}

/**
 * Reads a container's multiplexed log (no TTY) as whole lines per stream, decoding UTF-8 across
 * frames; a last line without its newline is passed on when the stream ends. Resolves when the
 * log ends (the container stopped, or the buffered log has been read) or `stop` is called.
 */
export function demuxLines(stream: Readable, onLine: (line: LogLine) => void): {done: Promise<void>; stop(): void} {
  const out = new LineSplitter((text) => onLine({stream: 'stdout', text}), {keepBlank: true})
  const err = new LineSplitter((text) => onLine({stream: 'stderr', text}), {keepBlank: true})
  const frames = new FrameReader((streamType, payload) => (streamType === 2 ? err : out).write(payload))
  stream.on('data', (chunk: Buffer) => frames.write(chunk))
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    let finished = false
    finish = (): void => {
      if (finished) return
      finished = true
      out.end()
      err.end()
      resolve()
    }
    stream.on('end', finish)
    stream.on('close', finish)
    stream.on('error', finish)
  })
  return {
    done,
    stop: () => {
      stream.destroy()
      finish()
    },
  }
}

/**
 * The Engine API's multiplexed stream: frames of an 8-byte header (the stream, 1 stdout or 2
 * stderr, then the payload's length, big-endian, in bytes 4 to 7) and the payload, split
 * anywhere across chunks. A header naming no stream means the log is not multiplexed (a
 * container with a TTY): everything from there is stdout, as the engine's own client reads it.
 * limg's own rather than docker-modem's demuxStream: that one comes with the modem, whose
 * import loads ssh2, a cost every `limg invoke` would pay for thirty lines.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0)
  private raw = false

  constructor(private readonly onFrame: (streamType: number, payload: Buffer) => void) {}

  write(chunk: Buffer): void {
    if (this.raw) return this.onFrame(1, chunk)
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    while (this.pending.length >= 8) {
      const streamType = this.pending[0] as number
      if (streamType > 2) {
        this.raw = true
        const rest = this.pending
        this.pending = Buffer.alloc(0)
        return this.onFrame(1, rest)
      }
      const length = this.pending.readUInt32BE(4)
      if (this.pending.length < 8 + length) return
      this.onFrame(streamType, this.pending.subarray(8, 8 + length))
      this.pending = this.pending.subarray(8 + length)
    }
  }
}
