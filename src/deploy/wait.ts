import {AwsError, BuildFailedError, InterruptedError, type LimgError} from '../errors/index.js'
import type {FunctionStatus, LambdaApi} from '../lambda/lambda-api.js'
import {isResourceConflict} from '../lambda/lambda-errors.js'
import {sleep as abortableSleep} from '../util/sleep.js'
import type {DeployEvent} from './events.js'

/** Polls start quickly (a small function settles in seconds) and back off to one every 2 s. */
export const POLL_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000]
/** Lambda optimises a new image for minutes at most; past this, limg stops waiting and says so. */
export const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60 * 1000

/** What a wait needs besides the Lambda client: a clock, a sleep, the bound and Ctrl-C. */
export interface WaitContext {
  lambda: Pick<LambdaApi, 'getFunctionConfiguration'>
  emit: (event: DeployEvent) => void
  /** When the whole deploy must have finished waiting (ms since the epoch, as `now`). */
  deadline: number
  signal?: AbortSignal
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  pollDelaysMs?: readonly number[]
}

/**
 * What a wait waits for, as AWS documents the states: a new function (or version) is `Pending`
 * until `Active`; every update is `InProgress` until `Successful`. `settled` is what may be
 * updated next: not Pending, no update in progress (an Inactive function may be updated).
 */
export type WaitGoal = 'active' | 'updated' | 'settled'

const GOAL_TEXT: Record<WaitGoal, string> = {active: 'become Active', updated: 'finish its update', settled: 'finish the update in progress'}

/**
 * Polls GetFunctionConfiguration until the function reaches `goal`, and fails with Lambda's
 * reason when it reaches `Failed`. Bounded by the context's deadline; Ctrl-C stops the wait with
 * a message saying that Lambda carries on by itself.
 */
export async function waitForFunction(context: WaitContext, name: string, goal: WaitGoal, qualifier?: string): Promise<FunctionStatus> {
  const now = context.now ?? Date.now
  const sleep = context.sleep ?? abortableSleep
  const delays = context.pollDelaysMs ?? POLL_DELAYS_MS
  const label = qualifier ? `${name}:${qualifier}` : name
  let last = ''
  for (let attempt = 0; ; attempt++) {
    throwIfInterrupted(context.signal, label, goal)
    const status = await context.lambda.getFunctionConfiguration(name, qualifier)
    if (!status) throw new AwsError(`The function ${label} disappeared while limg waited for it to ${GOAL_TEXT[goal]}.`, 'Someone deleted it; run limg deploy again to create it.')
    // A function that failed may still be updated: the update can be what fixes it.
    if (status.state === 'Failed' && goal !== 'settled') throw stateFailure(status, label)
    if (status.lastUpdateStatus === 'Failed' && goal !== 'settled') throw updateFailure(status, label)
    if (reached(status, goal)) return status
    const seen = `${status.state ?? ''}/${status.lastUpdateStatus ?? ''}`
    if (seen !== last) {
      last = seen
      const reason = status.state === 'Pending' ? status.stateReason : status.lastUpdateStatusReason
      context.emit({
        type: 'waiting',
        functionName: label,
        what: GOAL_TEXT[goal],
        ...(status.state ? {state: status.state} : {}),
        ...(status.lastUpdateStatus ? {lastUpdateStatus: status.lastUpdateStatus} : {}),
        ...(reason ? {reason} : {}),
      })
    }
    if (now() >= context.deadline) {
      throw new AwsError(
        `${label} is still ${status.state === 'Pending' ? 'Pending' : `${status.state ?? 'in an unknown state'} with its update ${status.lastUpdateStatus ?? 'unreported'}`} after limg's wait ran out; Lambda carries on by itself.`,
        `See where it is with \`aws lambda get-function-configuration --function-name ${name}\`, and run limg deploy again once it is Active (--wait-timeout waits longer).`,
      )
    }
    await sleep(Math.min(delays[Math.min(attempt, delays.length - 1)], Math.max(0, context.deadline - now())), context.signal)
  }
}

function reached(status: FunctionStatus, goal: WaitGoal): boolean {
  const updating = status.lastUpdateStatus === 'InProgress'
  if (goal === 'settled') return status.state !== 'Pending' && !updating
  if (goal === 'active') return status.state === 'Active' && !updating
  return status.state === 'Active' && status.lastUpdateStatus === 'Successful'
}

/**
 * Runs a change to the function, and when Lambda answers ResourceConflictException (another
 * update is still in progress) waits for that update to finish and tries again, within the deadline.
 */
export async function withConflictRetry<T>(context: WaitContext, name: string, what: string, change: () => Promise<T>): Promise<T> {
  const now = context.now ?? Date.now
  for (let attempt = 1; ; attempt++) {
    try {
      return await change()
    } catch (error) {
      if (!isResourceConflict(error) || now() >= context.deadline) throw error
      context.emit({type: 'retry', what, attempt, delayMs: 0, reason: (error as Error).message})
      await waitForFunction(context, name, 'settled')
    }
  }
}

function throwIfInterrupted(signal: AbortSignal | undefined, label: string, goal: WaitGoal): void {
  if (!signal?.aborted) return
  const reason: unknown = signal.reason
  const stop = reason instanceof InterruptedError ? reason.signal : 'SIGINT'
  throw new InterruptedError(
    stop,
    `Interrupted (${stop}) while waiting for ${label} to ${GOAL_TEXT[goal]}; Lambda carries on by itself. See it with \`aws lambda get-function-configuration --function-name ${label.split(':')[0]}\`, or run limg deploy again.`,
  )
}

/** `State: Failed`, with Lambda's reason and what to do about the usual ones. */
export function stateFailure(status: FunctionStatus, label: string): LimgError {
  return failure(label, status.stateReasonCode, status.stateReason, 'could not be made Active')
}

/** `LastUpdateStatus: Failed`: the update did not take, the function keeps its previous code or configuration. */
export function updateFailure(status: FunctionStatus, label: string): LimgError {
  return failure(label, status.lastUpdateStatusReasonCode, status.lastUpdateStatusReason, 'failed to update (it keeps what it had before)')
}

function failure(label: string, code: string | undefined, reason: string | undefined, what: string): LimgError {
  const said = `${code ?? 'no reason code'}${reason ? `: ${reason}` : ''}`
  if (/SizeLimitExceeded/i.test(`${code} ${reason}`)) {
    return new BuildFailedError(
      `${label} ${what}: the image is over Lambda's size limit (${said}).`,
      'Lambda takes container images up to 10 GiB uncompressed: leave out what the function does not need (dev dependencies, test data; see .dockerignore), then build and deploy again.',
    )
  }
  if (code === 'ImageAccessDenied' || code === 'ImageDeleted') {
    return new AwsError(
      `${label} ${what}: Lambda cannot read its image (${said}).`,
      'The image must stay in its ECR repository, and the repository policy must let Lambda read it: push it again and deploy again.',
    )
  }
  if (code === 'InvalidImage' || /architecture/i.test(reason ?? '')) {
    return new BuildFailedError(`${label} ${what}: Lambda refused the image (${said}).`, 'Build the image for the function\'s architecture with `limg build --arch <arch>`, then deploy again.')
  }
  return new AwsError(`${label} ${what}: ${said}.`, `Fix the cause, then run limg deploy again; \`aws lambda get-function-configuration --function-name ${label.split(':')[0]}\` shows the state.`)
}
