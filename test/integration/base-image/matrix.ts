import {RUNTIMES, type Architecture, type RuntimeId} from '../../../src/catalog/runtimes.js'

export interface BaseTarget {
  runtime: RuntimeId
  arch: Architecture
}

/** Every runtime and architecture `limg base build` can make. */
export const ALL_TARGETS: BaseTarget[] = RUNTIMES.flatMap((r) => r.offline.architectures.map((arch) => ({runtime: r.id, arch})))

/**
 * What CI runs by default: the newest runtime on both architectures, the oldest of each, and
 * nodejs22.x, the last runtime that takes callback handlers (and warns about them).
 */
export const DEFAULT_TARGETS: BaseTarget[] = [
  {runtime: 'nodejs24.x', arch: 'x86_64'},
  {runtime: 'nodejs24.x', arch: 'arm64'},
  {runtime: 'nodejs16.x', arch: 'arm64'},
  {runtime: 'nodejs12.x', arch: 'x86_64'},
  {runtime: 'nodejs22.x', arch: 'x86_64'},
]

/** The outcome suite's default: one image per architecture. */
export const DEFAULT_OUTCOME_TARGETS: BaseTarget[] = DEFAULT_TARGETS.slice(0, 2)

/**
 * Where the outcome suite also runs in front of AWS's emulator in a container by default:
 * none, since CI compares the two emulators on the host (test/integration/runtime-host),
 * where the emulator's logic is the same and a run takes seconds rather than minutes under
 * arm64 emulation; every target with LIMG_TEST_ALL_RUNTIMES=1.
 */
export const DEFAULT_AWS_EMULATOR_TARGETS: BaseTarget[] = []

export function includes(targets: BaseTarget[], target: BaseTarget): boolean {
  return targets.some((t) => t.runtime === target.runtime && t.arch === target.arch)
}

export function describeTargets(targets: BaseTarget[]): string {
  return targets.map((t) => `${t.runtime}/${t.arch}`).join(', ')
}

/**
 * The targets to run: all of them with LIMG_TEST_ALL_RUNTIMES=1, else `defaults`. Says which
 * on the console, so a CI log shows what was covered.
 */
export function selectTargets(suite: string, defaults: BaseTarget[], env: NodeJS.ProcessEnv = process.env): BaseTarget[] {
  const all = env.LIMG_TEST_ALL_RUNTIMES === '1'
  const targets = all ? ALL_TARGETS : defaults
  const which = all ? 'full matrix (LIMG_TEST_ALL_RUNTIMES=1)' : 'default CI set (LIMG_TEST_ALL_RUNTIMES=1 runs all)'
  console.log(`[${suite}] ${which}: ${targets.length} of ${ALL_TARGETS.length} targets: ${describeTargets(targets)}`)
  return targets
}
