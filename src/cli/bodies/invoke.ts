import type {Interfaces} from '@oclif/core'
import type Invoke from '../../commands/invoke.js'
import {invoke, invokeRemoteFunction} from '../../app/invoke.js'
import type {LogLine} from '../../docker/streams.js'
import type {InvokeResult} from '../../invoke/invoke.js'
import {OUTCOME_EXIT_CODES} from '../../invoke/outcome.js'
import type {RemoteInvokeResult} from '../../remote/invoke-remote.js'
import {printLogLine} from '../../ui/readable-log.js'
import type {CommandShell} from '../shell.js'

export type InvokeFlags = Interfaces.InferredFlags<(typeof Invoke)['flags']>

/** `limg invoke` once its flags are parsed: the payload on stdout, the log on stderr, the outcome as the exit code. */
export async function runInvoke(shell: CommandShell, flags: InvokeFlags): Promise<InvokeResult | RemoteInvokeResult> {
  const event = flags.event === undefined ? {} : {event: flags.event}
  if (flags.remote) {
    return present(shell, await invokeRemoteFunction(shell.context, {
      dir: flags.dir,
      ...event,
      ...(flags.function === undefined ? {} : {functionName: flags.function}),
      ...(flags.qualifier === undefined ? {} : {qualifier: flags.qualifier}),
      ...(flags.region === undefined ? {} : {region: flags.region}),
      ...(flags.profile === undefined ? {} : {profile: flags.profile}),
    }))
  }
  // A streamed response goes to stdout as it arrives (with --json, only in the result).
  const sink = shell.json ? undefined : {onStart: () => {}, onChunk: (chunk: Buffer) => process.stdout.write(chunk)}
  return present(shell, await invoke(shell.context, {dir: flags.dir, ...event, ...(flags.port === undefined ? {} : {port: flags.port}), ...(sink ? {sink} : {})}))
}

/** The same for a local and a remote invoke. */
function present<R extends InvokeResult>(shell: CommandShell, report: {result: R; body: string; logs: LogLine[]; eventFrom: string}): R {
  if (report.eventFrom === 'none') shell.note('Sent {}: the project has no events/event.json or event.json (pass --event FILE).')
  for (const line of report.logs) printLogLine(process.stderr, line.text, shell.json)
  if (!shell.json) {
    if (report.result.streamed) process.stdout.write(report.body.endsWith('\n') || report.body === '' ? '' : '\n')
    else process.stdout.write(report.body.endsWith('\n') || report.body === '' ? report.body : `${report.body}\n`)
    // One line: the outcome, and why when the container or the engine says.
    const diagnosis = report.result.diagnosis ? ` ${report.result.diagnosis}` : ''
    if (report.result.outcome !== 'success') shell.note(`(${report.result.outcome}${report.result.statusCode ? `, HTTP ${report.result.statusCode}` : ''})${diagnosis}`)
  }
  process.exitCode = OUTCOME_EXIT_CODES[report.result.outcome]
  return report.result
}
