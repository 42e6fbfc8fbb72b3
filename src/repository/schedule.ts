import {InterruptedError} from '../errors/index.js'

export interface Job<T> {
  /**
   * Jobs with one key make something the engine can share (a dependency layer): the first
   * runs alone, and the others start once one of them has succeeded, to find it cached
   * instead of all making it at once.
   */
  shareKey?: string
  run(): Promise<T>
}

export type Settled<T> = {ok: true; value: T; durationMs: number} | {ok: false; error: unknown; durationMs: number}

/**
 * Runs the jobs, at most `parallel` at a time, in their order but for the sharing rule
 * above, and settles every one: a failure does not stop the others. An interruption does:
 * it is thrown once the running jobs have ended (they see the same signal).
 */
export async function runJobs<T>(jobs: ReadonlyArray<Job<T>>, parallel: number, now: () => number = Date.now): Promise<Array<Settled<T>>> {
  const settled: Array<Settled<T> | undefined> = jobs.map(() => undefined)
  const started = new Set<number>()
  const busy = new Map<string, number>()
  const shared = new Set<string>()
  let interrupted: unknown
  return new Promise((resolve) => {
    let running = 0
    const eligible = (i: number): boolean => {
      const key = jobs[i]!.shareKey
      return key === undefined || shared.has(key) || !busy.get(key)
    }
    const pump = (): void => {
      for (let i = 0; i < jobs.length && running < parallel && interrupted === undefined; i++) {
        if (started.has(i) || !eligible(i)) continue
        started.add(i)
        running++
        const key = jobs[i]!.shareKey
        if (key !== undefined) busy.set(key, (busy.get(key) ?? 0) + 1)
        const begun = now()
        jobs[i]!.run().then(
          (value) => {
            settled[i] = {ok: true, value, durationMs: now() - begun}
            if (key !== undefined) shared.add(key)
          },
          (error: unknown) => {
            settled[i] = {ok: false, error, durationMs: now() - begun}
            if (error instanceof InterruptedError) interrupted ??= error
          },
        ).finally(() => {
          running--
          if (key !== undefined) busy.set(key, busy.get(key)! - 1)
          if (running === 0 && (interrupted !== undefined || started.size === jobs.length)) {
            resolve(interrupted === undefined ? (settled as Array<Settled<T>>) : Promise.reject(interrupted))
          } else pump()
        })
      }
    }
    if (jobs.length === 0) resolve([])
    else pump()
  })
}
