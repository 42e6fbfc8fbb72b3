import {sleep} from '../util/sleep.js'

/** Waits between attempts: the first retry after 1 s, then 3 s, then 9 s; three retries at most. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 3000, 9000]

export interface RetryNotice {
  attempt: number
  delayMs: number
  reason: string
}

/**
 * Runs `work` again after each delay while `isTransient` says the failure may pass (5xx, 429,
 * connection reset); bounded by the number of delays, so a real outage still fails.
 */
export async function withRetry<T>(
  work: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  options: {delaysMs?: readonly number[]; onRetry?: (notice: RetryNotice) => void; signal?: AbortSignal} = {},
): Promise<T> {
  const delays = options.delaysMs ?? DEFAULT_RETRY_DELAYS_MS
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work()
    } catch (error) {
      if (attempt >= delays.length || !isTransient(error) || options.signal?.aborted) throw error
      const delayMs = delays[attempt]
      options.onRetry?.({attempt: attempt + 1, delayMs, reason: (error as Error).message ?? String(error)})
      await sleep(delayMs, options.signal)
    }
  }
}
