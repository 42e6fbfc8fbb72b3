import {LimgCommand} from '../cli/base-command.js'
import {RUNTIMES, awsBaseImage, defaultRuntime, isDeprecated, type RuntimeId} from '../catalog/runtimes.js'

interface RuntimeRow {
  id: RuntimeId
  os: string
  baseImages: {x86_64: string; arm64: string}
  productionInstall: string
  esModules: boolean
  deprecated: boolean
  deprecationDate: string
}

export interface RuntimesResult {
  default: RuntimeId
  runtimes: RuntimeRow[]
}

export default class Runtimes extends LimgCommand<RuntimesResult> {
  static override summary = 'List the Lambda Node.js runtimes limg knows.'
  static override description =
    'Shows each runtime with its base images, OS, production install command, ES module support and deprecation date. The default runtime is the newest one AWS still patches today.'
  static override examples = ['<%= config.bin %> runtimes', '<%= config.bin %> runtimes --json']

  public async run(): Promise<RuntimesResult> {
    await this.parse(Runtimes)
    const now = new Date()
    const rows: RuntimeRow[] = RUNTIMES.map((r) => ({
      id: r.id,
      os: r.os,
      baseImages: {x86_64: awsBaseImage(r, 'x86_64'), arm64: awsBaseImage(r, 'arm64')},
      productionInstall: r.productionInstall.join(' '),
      esModules: r.esModules,
      deprecated: isDeprecated(r, now),
      deprecationDate: r.deprecation.date,
    }))
    const result: RuntimesResult = {default: defaultRuntime(now).id, runtimes: rows}
    for (const row of rows) {
      const status = row.deprecated ? `deprecated ${row.deprecationDate}` : `supported until ${row.deprecationDate}`
      const mark = row.id === result.default ? ' (default)' : ''
      this.log(`${row.id.padEnd(11)} ${row.os.padEnd(18)} ${status}${mark}`)
    }
    return result
  }
}
