import type {IncomingMessage} from 'node:http'
import {PassThrough, type Readable} from 'node:stream'
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

/** What splits the engine's multiplexed stream into stdout and stderr: dockerode's own demultiplexer. */
export interface Demultiplexer {
  demuxStream(stream: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void
}

/**
 * Reads a container's multiplexed log (no TTY) as whole lines per stream, decoding UTF-8 across
 * frames; a last line without its newline is passed on when the stream ends. Resolves when the
 * log ends (the container stopped, or the buffered log has been read) or `stop` is called.
 */
export function demuxLines(demux: Demultiplexer, stream: Readable, onLine: (line: LogLine) => void): {done: Promise<void>; stop(): void} {
  const sink = (name: LogStreamName): {writable: PassThrough; splitter: LineSplitter} => {
    const splitter = new LineSplitter((text) => onLine({stream: name, text}), {keepBlank: true})
    const writable = new PassThrough()
    writable.on('data', (chunk: Buffer) => splitter.write(chunk))
    return {writable, splitter}
  }
  const out = sink('stdout')
  const err = sink('stderr')
  demux.demuxStream(stream, out.writable, err.writable)
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    let finished = false
    finish = (): void => {
      if (finished) return
      finished = true
      out.splitter.end()
      err.splitter.end()
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
