/** Summary of one series of samples; p99 uses the nearest-rank method. */
export interface Summary {
  n: number
  median: number
  min: number
  max: number
  p99: number
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return {n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN, p99: Number.NaN}
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  const rank = Math.max(1, Math.ceil(0.99 * sorted.length))
  return {n: sorted.length, median, min: sorted[0], max: sorted[sorted.length - 1], p99: sorted[rank - 1]}
}

/** Milliseconds since `start` (a process.hrtime.bigint() reading), to a tenth of a millisecond. */
export function elapsedMs(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10
}
