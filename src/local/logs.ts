import type {ContainerEngine} from '../engine/containers.js'
import {type LogLine, LogLineSplitter} from './log-lines.js'

export interface StreamLogsOptions {
  follow: boolean
  /** Unix seconds: only lines from then on. */
  since?: number
  tail?: number
  signal?: AbortSignal
}

/**
 * Passes a container's log, line by line, to `onLine` until it ends: the container stops
 * (when following) or the log has been read. Ctrl-C ends it early, without an error.
 */
export async function streamLogs(engine: ContainerEngine, container: string, options: StreamLogsOptions, onLine: (line: LogLine) => void): Promise<void> {
  if (options.signal?.aborted) return
  const stream = await engine.logs(container, {
    follow: options.follow,
    ...(options.since !== undefined ? {since: options.since} : {}),
    ...(options.tail !== undefined ? {tail: options.tail} : {}),
  })
  const splitter = new LogLineSplitter(onLine)
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      stream.destroy()
      done()
    }
    function done(): void {
      options.signal?.removeEventListener('abort', stop)
      splitter.end()
      resolve()
    }
    options.signal?.addEventListener('abort', stop, {once: true})
    stream.on('data', (chunk: Buffer) => splitter.write(chunk))
    stream.on('end', done)
    stream.on('close', done)
    stream.on('error', done)
  })
}

