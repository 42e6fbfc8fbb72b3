import {Flags} from '@oclif/core'
import {LimgCommand} from '../cli/base-command.js'
import {runInvoke} from '../cli/bodies/invoke.js'
import type {InvokeResult} from '../invoke/invoke.js'
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
    return runInvoke(this.shell, flags)
  }
}
