import {Flags} from '@oclif/core'
import {printLogLine} from '../ui/readable-log.js'
import {LimgCommand} from '../cli/base-command.js'
import {logs, logsRemoteFunction, parseSince} from '../app/logs.js'
import type {FunctionLogsResult} from '../remote/function-logs.js'

export interface LogsResult {
  container: string
  lines: number
}

export default class Logs extends LimgCommand<LogsResult | FunctionLogsResult> {
  static override summary = 'Show the log of the function limg run --detach started, or with --remote of the deployed one.'
  static override description = `Prints the log of this project's newest running function: the emulator's START, END and REPORT lines and what the function wrote. --follow keeps printing until the container stops or Ctrl-C. With limg.json "logFormat": "JSON" the lines are Lambda's JSON records, shown in the layout of the Text format on a terminal and raw when piped or with --json. With --json the lines go to stderr and stdout holds {container, lines}.

--remote prints the deployed function's CloudWatch log events instead (--function, else limg.json's name), from its log group (its logging config's, else /aws/lambda/<name>), across log streams, newest last: the last --since (default 10m), or only the last --tail events of it; --follow keeps asking for new ones until Ctrl-C. Credentials, region and endpoints come from the AWS SDK's default chain (AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_CLOUDWATCH_LOGS honoured). With --json stdout holds {functionName, logGroup, logGroupExists, lines}.`
  static override examples = [
    '<%= config.bin %> logs',
    '<%= config.bin %> logs --follow',
    '<%= config.bin %> logs --tail 20',
    '<%= config.bin %> logs --remote --since 1h',
    '<%= config.bin %> logs --remote --follow --function orders --region eu-west-1',
  ]

  static override flags = {
    dir: Flags.string({description: 'Project directory.', default: '.'}),
    follow: Flags.boolean({char: 'f', description: 'Keep printing new lines.', default: false}),
    tail: Flags.integer({description: 'Only the last N lines.', min: 0}),
    remote: Flags.boolean({description: 'The deployed function\'s CloudWatch log instead of the local container\'s.'}),
    function: Flags.string({description: 'With --remote: the deployed function\'s name (default: limg.json\'s "name").', dependsOn: ['remote']}),
    since: Flags.string({description: 'With --remote: how far back to read, such as 30s, 10m, 2h, 1d (default: 10m).', dependsOn: ['remote']}),
    region: Flags.string({description: 'With --remote: AWS region (default: from AWS_REGION or the profile).', dependsOn: ['remote']}),
    profile: Flags.string({description: 'With --remote: named profile from ~/.aws/config.', dependsOn: ['remote']}),
  }

  public async run(): Promise<LogsResult | FunctionLogsResult> {
    const {flags} = await this.parse(Logs)
    const json = this.jsonEnabled()
    if (flags.remote) {
      const result = await logsRemoteFunction(this.context, {
        dir: flags.dir,
        sinceMs: parseSince(flags.since ?? '10m'),
        follow: flags.follow,
        ...(flags.function === undefined ? {} : {functionName: flags.function}),
        ...(flags.region === undefined ? {} : {region: flags.region}),
        ...(flags.profile === undefined ? {} : {profile: flags.profile}),
        ...(flags.tail === undefined ? {} : {tail: flags.tail}),
      }, (line) => printLogLine(json ? process.stderr : process.stdout, line.text, json))
      if (!result.logGroupExists) this.note(`The log group ${result.logGroup} does not exist yet: the function has written no log (invoke it with \`limg invoke --remote\`).`)
      return result
    }
    return logs(this.context, {dir: flags.dir, follow: flags.follow, ...(flags.tail === undefined ? {} : {tail: flags.tail})}, (line) =>
      printLogLine(line.stream === 'stderr' || json ? process.stderr : process.stdout, line.text, json),
    )
  }
}
