import {Flags} from '@oclif/core'
import {LimgCommand} from '../cli/base-command.js'
import {invoke, invokeRemoteFunction} from '../app/invoke.js'
import type {LogLine} from '../docker/streams.js'
import type {InvokeResult} from '../invoke/invoke.js'
import {OUTCOME_EXIT_CODES} from '../invoke/outcome.js'
import {printLogLine} from '../ui/readable-log.js'
import type {RemoteInvokeResult} from '../remote/invoke-remote.js'

export type {InvokeResult}

export default class Invoke extends LimgCommand<InvokeResult | RemoteInvokeResult> {
  static override summary = 'Send an event to the function started with limg run.'
  static override description = `Finds this project's running function (or the one on --port), waits until its emulator answers, and sends the event: a file with --event, or stdin with --event -; without --event, the project's events/event.json, else its event.json (where AWS's samples keep it), else {} (as Lambda gives a function invoked without a payload).

The payload goes to stdout, unchanged; the function's log lines for this invocation (START to REPORT) go to stderr. Invocations of one function take turns, also across separate limg invoke processes, because AWS's emulator fails when two arrive at once.

The emulator answers a function error and a timeout with status 200, so limg tells the outcomes apart by the answer itself, and exits with:
  0   success
  10  function error: the handler threw or rejected, or the function failed to initialise or exited (a body with errorType and errorMessage)
  11  timeout: "Task timed out after N.NN seconds"
  12  emulator failure: another 5xx answer, a reset connection or an empty reply
  2   the event was not sent: not JSON (InvalidRequestContentException) or over 6,291,456 bytes (RequestEntityTooLargeException), as Lambda refuses them; an empty event is sent as {}
  6   no running function could be found or reached
  130 Ctrl-C while waiting for the answer
--json prints {statusCode, functionError, payload, durationMs, requestId, outcome} with the same exit codes.

--remote sends the same event to the deployed function through Lambda's Invoke API instead (--function, else limg.json's name; --qualifier for a version or alias), with the log tail Lambda returns on stderr and the same exit codes for success (0), function error (10) and timeout (11); AWS refusing or failing the call exits 5. Credentials, region and endpoint come from the AWS SDK's default chain (AWS_ENDPOINT_URL_LAMBDA honoured), --profile and --region override. --json adds {functionName, executedVersion}.`

  static override examples = [
    '<%= config.bin %> invoke',
    '<%= config.bin %> invoke --event events/order.json',
    `echo '{"name":"limg"}' | <%= config.bin %> invoke --event -`,
    '<%= config.bin %> invoke --port 9000 --json',
    '<%= config.bin %> invoke --remote --event events/order.json',
    '<%= config.bin %> invoke --remote --function orders --qualifier live --region eu-west-1 --json',
  ]

  static override flags = {
    dir: Flags.string({description: 'Project directory.', default: '.'}),
    event: Flags.string({description: 'Event file (relative to the project), or - for stdin (default: events/event.json, else event.json, else {}).'}),
    port: Flags.integer({description: 'Invoke the emulator on this 127.0.0.1 port instead of finding the project\'s container.', min: 1, max: 65535, exclusive: ['remote']}),
    remote: Flags.boolean({description: 'Invoke the function deployed to AWS Lambda (limg deploy) instead of the local one.'}),
    function: Flags.string({description: 'With --remote: the deployed function\'s name (default: limg.json\'s "name").', dependsOn: ['remote']}),
    qualifier: Flags.string({description: 'With --remote: a version or alias to invoke (default: $LATEST).', dependsOn: ['remote']}),
    region: Flags.string({description: 'With --remote: AWS region (default: from AWS_REGION or the profile).', dependsOn: ['remote']}),
    profile: Flags.string({description: 'With --remote: named profile from ~/.aws/config.', dependsOn: ['remote']}),
  }

  public async run(): Promise<InvokeResult | RemoteInvokeResult> {
    const {flags} = await this.parse(Invoke)
    const event = flags.event === undefined ? {} : {event: flags.event}
    if (flags.remote) {
      return this.present(await invokeRemoteFunction(this.context, {
        dir: flags.dir,
        ...event,
        ...(flags.function === undefined ? {} : {functionName: flags.function}),
        ...(flags.qualifier === undefined ? {} : {qualifier: flags.qualifier}),
        ...(flags.region === undefined ? {} : {region: flags.region}),
        ...(flags.profile === undefined ? {} : {profile: flags.profile}),
      }))
    }
    // A streamed response goes to stdout as it arrives (with --json, only in the result).
    const sink = this.jsonEnabled() ? undefined : {onStart: () => {}, onChunk: (chunk: Buffer) => process.stdout.write(chunk)}
    return this.present(await invoke(this.context, {dir: flags.dir, ...event, ...(flags.port === undefined ? {} : {port: flags.port}), ...(sink ? {sink} : {})}))
  }

  /** The payload on stdout, the log on stderr, the outcome as the exit code: the same for a local and a remote invoke. */
  private present<R extends InvokeResult>(report: {result: R; body: string; logs: LogLine[]; eventFrom: string}): R {
    if (report.eventFrom === 'none') this.note('Sent {}: the project has no events/event.json or event.json (pass --event FILE).')
    for (const line of report.logs) printLogLine(process.stderr, line.text, this.jsonEnabled())
    if (!this.jsonEnabled()) {
      if (report.result.streamed) process.stdout.write(report.body.endsWith('\n') || report.body === '' ? '' : '\n')
      else process.stdout.write(report.body.endsWith('\n') || report.body === '' ? report.body : `${report.body}\n`)
      // One line: the outcome, and why when the container or the engine says.
      const diagnosis = report.result.diagnosis ? ` ${report.result.diagnosis}` : ''
      if (report.result.outcome !== 'success') this.note(`(${report.result.outcome}${report.result.statusCode ? `, HTTP ${report.result.statusCode}` : ''})${diagnosis}`)
    }
    process.exitCode = OUTCOME_EXIT_CODES[report.result.outcome]
    return report.result
  }
}
