import {LimgCommand} from '../cli/base-command.js'
import {type RuntimesResult, runtimes} from '../app/runtimes.js'

export type {RuntimesResult}

export default class Runtimes extends LimgCommand<RuntimesResult> {
  static override summary = 'List the Lambda Node.js runtimes limg knows.'
  static override description =
    'Shows each runtime with its base images, OS, production install command, ES module support and deprecation date. The default runtime is the newest one AWS still patches today.'
  static override examples = ['<%= config.bin %> runtimes', '<%= config.bin %> runtimes --json']

  public async run(): Promise<RuntimesResult> {
    await this.parse(Runtimes)
    const result = runtimes()
    for (const row of result.runtimes) {
      const status = row.deprecated ? `deprecated ${row.deprecationDate}` : `supported until ${row.deprecationDate}`
      const mark = row.id === result.default ? ' (default)' : ''
      this.log(`${row.id.padEnd(11)} ${row.os.padEnd(18)} ${status}${mark}`)
    }
    return result
  }
}
