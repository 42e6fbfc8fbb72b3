import type {DockerClient} from '../docker/client.js'
import {type RunningFunction, type StartRequest, startFunction} from './start.js'

/** Lambda runs one invocation per instance at a time; limg keeps up to this many warm. */
export const MAX_CONCURRENCY = 32

/**
 * The instances beyond the first for `--concurrency N`, each a container of its own with its
 * own emulator port (a free one), started together once the first answers (which built the
 * image if it had to). If one fails, those started are removed again and the error thrown.
 */
export async function startMoreInstances(docker: Pick<DockerClient, 'images' | 'containers'>, request: StartRequest, count: number): Promise<RunningFunction[]> {
  const {port: _first, inspect: _inspect, ...rest} = request
  const starts = Array.from({length: count - 1}, (_, i) => startFunction(docker, {...rest, build: false, instance: i + 2, onEvent: undefined}))
  const settled = await Promise.allSettled(starts)
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await Promise.all(started.map((running) => docker.containers.stopAndRemove(running.container, 0).catch(() => undefined)))
    throw failed.reason
  }
  return started
}
