import {execa, type Options} from 'execa'
import {elapsedMs} from './stats.js'

export interface TimedRun {
  ms: number
  stdout: string
  stderr: string
}

/**
 * Runs a command (argv array) and measures its wall-clock time, process start to exit, as a
 * user waiting at a prompt would. A non-zero exit throws with the command's output.
 */
export async function timed(file: string, args: readonly string[], options: Options = {}): Promise<TimedRun> {
  const start = process.hrtime.bigint()
  const run = await execa(file, args, {reject: false, stdin: 'ignore', ...options})
  const ms = elapsedMs(start)
  const stdout = String(run.stdout ?? '')
  const stderr = String(run.stderr ?? '')
  if (run.exitCode !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${String(run.exitCode)}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`)
  }
  return {ms, stdout, stderr}
}
