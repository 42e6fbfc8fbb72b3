import {Flags} from '@oclif/core'
import {LimgCommand} from '../cli/base-command.js'
import {stop} from '../app/stop.js'

export interface StopResult {
  stopped: string[]
}

export default class Stop extends LimgCommand<StopResult> {
  static override summary = 'Stop and remove the functions limg run started for this project.'
  static override description = 'Finds the containers by their labels (limg=true and this project\'s limg.project), running or exited, and stops and removes them. Nothing running is not an error.'
  static override examples = ['<%= config.bin %> stop', '<%= config.bin %> stop --dir ./my-function --json']

  static override flags = {
    dir: Flags.string({description: 'Project directory.', default: '.'}),
  }

  public async run(): Promise<StopResult> {
    const {flags} = await this.parse(Stop)
    const result = await stop(this.context, {dir: flags.dir})
    this.note(result.stopped.length === 0 ? 'Nothing was running.' : `Stopped and removed ${result.stopped.map((id) => id.slice(0, 12)).join(', ')}`)
    return result
  }
}
