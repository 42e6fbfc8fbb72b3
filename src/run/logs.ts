import type {ContainerClient} from '../docker/containers.js'
import type {LogLine} from '../docker/streams.js'

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
export async function streamLogs(containers: ContainerClient, container: string, options: StreamLogsOptions, onLine: (line: LogLine) => void): Promise<void> {
  if (options.signal?.aborted) return
  const reader = await containers.logs(container, {
    follow: options.follow,
    ...(options.since !== undefined ? {since: options.since} : {}),
    ...(options.tail !== undefined ? {tail: options.tail} : {}),
  }, onLine)
  const stop = (): void => reader.stop()
  options.signal?.addEventListener('abort', stop, {once: true})
  await reader.done
  options.signal?.removeEventListener('abort', stop)
}
