import {InterruptedError} from '../errors/index.js'

/** What an aborted signal stands for: the reason it was given (limg aborts with InterruptedError on Ctrl-C), else an interruption. */
export function abortReason(signal: AbortSignal | undefined): Error {
  return signal?.reason instanceof Error ? signal.reason : new InterruptedError()
}

/** Throws the signal's reason when it has fired: the check between steps of long work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal)
}
