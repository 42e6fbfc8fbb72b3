import {availableParallelism} from 'node:os'
import {resolve} from 'node:path'
import {EXIT_CODES, type ErrorDescription, InterruptedError, InvalidInputError, describeError} from '../errors/index.js'
import {type Repository, type RepositoryFunction, findRepository, selectFunctions} from '../repository/repository.js'
import {runJobs} from '../repository/schedule.js'
import type {AppContext} from './context.js'
import {sharedContext} from './shared-pulls.js'

export {findRepository}
export type {Repository, RepositoryFunction}

export interface FunctionsRequest {
  /** `--function`: names or folders; empty for all of them. */
  functions: string[]
  /** At most this many at once (default: the machine's cores, at most the functions' count). */
  jobs?: number
}

export type FunctionOutcome<T> =
  | {name: string; path: string; ok: true; durationMs: number; result: T}
  | {name: string; path: string; ok: false; durationMs: number; error: ErrorDescription}

/** What `limg build`, `push` and `deploy` at a repository's root answer: each function's outcome. */
export interface FunctionsResult<T> {
  root: string
  source: Repository['source']
  jobs: number
  durationMs: number
  succeeded: number
  failed: number
  functions: Array<FunctionOutcome<T>>
}

/** What the progress view hears: the plan, then each function's start, its own events and its end. */
export type FunctionsEvent<E, T> =
  | {type: 'plan'; functions: Array<{name: string; path: string; waitsFor?: string}>; jobs: number; source: Repository['source']}
  | {type: 'start'; name: string}
  | {type: 'event'; name: string; event: E}
  | {type: 'done'; outcome: FunctionOutcome<T>}

export interface PerFunction<E, T> {
  /** One function's work, with a context whose warnings name the function. */
  run(fn: RepositoryFunction, context: AppContext, onEvent: (event: E) => void): Promise<T>
  /** Functions with one key share what the first of them makes (see runJobs). */
  shareKey?(fn: RepositoryFunction, context: AppContext): Promise<string | undefined>
  /** The command's flags that name one image, file or name (`tag: '--tag' value`): refused for more than one function. */
  oneFunctionFlags?: Record<string, unknown>
}

/**
 * Runs one command's work for each selected function of a repository, in parallel within the
 * machine's cores, and gathers every outcome: one function failing leaves the others to
 * finish and report. An interruption stops them all.
 */
export async function forEachFunction<E, T>(
  context: AppContext,
  repository: Repository,
  request: FunctionsRequest,
  work: PerFunction<E, T>,
  onEvent: (event: FunctionsEvent<E, T>) => void = () => {},
): Promise<FunctionsResult<T>> {
  const started = Date.now()
  for (const warning of repository.warnings) context.warn(warning)
  const selected = selectFunctions(repository, request.functions)
  refuseSingleFlags(work.oneFunctionFlags ?? {}, selected.length)
  const jobs = jobCount(request.jobs, selected.length)
  const shared = sharedContext(context)
  const contexts = selected.map((fn) => ({...shared, warn: (message: string) => context.warn(`${fn.name}: ${message}`)}))
  const keys = await Promise.all(selected.map(async (fn, i) => (await work.shareKey?.(fn, contexts[i]!)) ?? undefined))
  onEvent({
    type: 'plan',
    jobs,
    source: repository.source,
    functions: selected.map((fn, i) => {
      const first = keys[i] === undefined ? -1 : keys.indexOf(keys[i])
      return {name: fn.name, path: fn.path, ...(first >= 0 && first !== i ? {waitsFor: selected[first]!.name} : {})}
    }),
  })
  const outcomes: Array<FunctionOutcome<T>> = []
  await runJobs(
    selected.map((fn, i) => ({
      ...(keys[i] === undefined ? {} : {shareKey: keys[i]}),
      run: async () => {
        onEvent({type: 'start', name: fn.name})
        const begun = Date.now()
        const finish = (outcome: FunctionOutcome<T>): void => {
          outcomes[i] = outcome
          onEvent({type: 'done', outcome})
        }
        try {
          const result = await work.run(fn, contexts[i]!, (event) => onEvent({type: 'event', name: fn.name, event}))
          finish({name: fn.name, path: fn.path, ok: true, durationMs: Date.now() - begun, result})
        } catch (error) {
          if (!(error instanceof InterruptedError)) finish({name: fn.name, path: fn.path, ok: false, durationMs: Date.now() - begun, error: describeError(error)})
          throw error
        }
      },
    })),
    jobs,
  )
  const functions = outcomes
  const failed = functions.filter((fn) => !fn.ok).length
  // An outcome for each: runJobs settles every job, or throws the interruption.
  return {root: repository.root, source: repository.source, jobs, durationMs: Date.now() - started, succeeded: functions.length - failed, failed, functions}
}

/** Flags that name one image, file or name, which cannot apply to several functions at once. */
function refuseSingleFlags(flags: Record<string, unknown>, count: number): void {
  if (count <= 1) return
  const given = Object.entries(flags).find(([, value]) => value !== undefined)
  if (given) {
    throw new InvalidInputError(`--${given[0]} names one function's ${given[0]}, but this acts on ${count} functions.`, `Pick one with --function NAME, or leave --${given[0]} out.`)
  }
}

/** `--function` in one function's folder, where there is nothing to pick from. */
export function notARepository(dir: string): InvalidInputError {
  return new InvalidInputError(
    `--function picks functions of a repository, but ${resolve(dir)} is one function's folder.`,
    'Drop --function here, or run at the repository\'s root (a limg.json listing "functions", or package.json workspaces holding the functions).',
  )
}

function jobCount(jobs: number | undefined, functions: number): number {
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new InvalidInputError(`--jobs must be a whole number of 1 or more, not ${jobs}.`, 'Pass --jobs 1 to work on one function at a time.')
  return Math.max(1, Math.min(jobs ?? availableParallelism(), functions))
}

/**
 * 0 when every function succeeded; when every one failed the same way, that failure's own
 * code (an engine that cannot be reached is 3 for all); otherwise 8, and each outcome says.
 */
export function functionsExitCode(result: FunctionsResult<unknown>): number {
  if (result.failed === 0) return EXIT_CODES.ok
  const codes = new Set(result.functions.map((fn) => (fn.ok ? EXIT_CODES.ok : fn.error.exitCode)))
  return codes.size === 1 ? [...codes][0]! : EXIT_CODES.someFunctionsFailed
}
