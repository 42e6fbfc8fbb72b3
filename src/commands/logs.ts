import {Flags} from '@oclif/core'
import {LimgCommand} from '../cli/base-command.js'
import {logs} from '../app/logs.js'

export interface LogsResult {
  container: string
  lines: number
}

export default class Logs extends LimgCommand<LogsResult> {
  static override summary = 'Show the log of the function limg run --detach started.'
  static override description = 'Prints the log of this project\'s newest running function: the emulator\'s START, END and REPORT lines and what the function wrote. --follow keeps printing until the container stops or Ctrl-C. With --json the lines go to stderr and stdout holds {container, lines}.'
  static override examples = ['<%= config.bin %> logs', '<%= config.bin %> logs --follow', '<%= config.bin %> logs --tail 20']

  static override flags = {
    dir: Flags.string({description: 'Project directory.', default: '.'}),
    follow: Flags.boolean({char: 'f', description: 'Keep printing new lines.', default: false}),
    tail: Flags.integer({description: 'Only the last N lines.', min: 0}),
  }

  public async run(): Promise<LogsResult> {
    const {flags} = await this.parse(Logs)
    const json = this.jsonEnabled()
    return logs(this.context, {dir: flags.dir, follow: flags.follow, ...(flags.tail === undefined ? {} : {tail: flags.tail})}, (line) =>
      (line.stream === 'stderr' || json ? process.stderr : process.stdout).write(`${line.text}\n`),
    )
  }
}
