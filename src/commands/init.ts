import {Args, Flags} from '@oclif/core'
import {ARCHITECTURE_IDS, RUNTIME_IDS} from '../catalog/runtimes.js'
import {LimgCommand} from '../cli/base-command.js'
import {TEMPLATES} from '../config/schema.js'
import {init} from '../app/init.js'
import type {InitResult} from '../project/init.js'
import {createPrompter} from '../project/prompt.js'

export default class Init extends LimgCommand<InitResult> {
  static override summary = 'Create a Lambda function project, or adopt the one in a directory.'
  static override description = `Writes a function (commonjs, esm or typescript), package.json with a lock file, limg.json, events/event.json and .dockerignore into DIR (default: the current directory).

A directory that already holds a function (a package.json and a handler file) is adopted instead: limg finds the handler and its module format and writes only limg.json and .dockerignore where they are missing; no existing file changes.

On a terminal, values no flag gives are asked for; elsewhere (or with --yes) defaults apply. Nothing is written when a value is invalid or a file exists (unless --force).`

  static override examples = [
    {description: 'Answer a few questions, or take the defaults with --yes', command: '<%= config.bin %> init my-function'},
    {description: 'An ES module function for Graviton', command: '<%= config.bin %> init my-function --template esm --arch arm64 --yes'},
    {description: 'TypeScript on a chosen runtime', command: '<%= config.bin %> init api --template typescript --runtime nodejs20.x --yes'},
    {description: 'Adopt an existing function whose handler is app.lambdaHandler', command: '<%= config.bin %> init . --handler app.lambdaHandler'},
  ]

  static override args = {
    dir: Args.string({description: 'Project directory; created when missing.', default: '.'}),
  }

  static override flags = {
    name: Flags.string({description: 'Function name: 1 to 64 of A-Z a-z 0-9 - _ (default: the directory name).'}),
    runtime: Flags.string({description: 'Lambda runtime (default: the newest one AWS still patches).', options: [...RUNTIME_IDS]}),
    arch: Flags.string({description: 'Instruction set architecture.', options: [...ARCHITECTURE_IDS]}),
    template: Flags.string({description: 'Module format of the function (default: commonjs, or what an adopted project uses).', options: [...TEMPLATES]}),
    handler: Flags.string({description: 'Handler as <file>.<export> (default: index.handler, or the one found in an adopted project).'}),
    force: Flags.boolean({description: 'Overwrite existing files (an adopted project: rewrite limg.json only).', default: false}),
    yes: Flags.boolean({char: 'y', description: 'Ask nothing; take defaults for values no flag gives.', default: false}),
  }

  public async run(): Promise<InitResult> {
    const {args, flags} = await this.parse(Init)
    const prompter = this.interactive && process.stdin.isTTY && !flags.yes ? createPrompter(process.stdin, process.stderr) : undefined
    let result: InitResult
    try {
      result = await init(this.context, {...flags, dir: args.dir}, prompter?.ask)
    } finally {
      prompter?.close()
    }
    for (const warning of result.warnings) this.addWarning(warning)
    const verb = result.adopted ? 'Adopted' : 'Created'
    this.log(`${verb} ${result.name} (${result.runtime}, ${result.arch}, ${result.template}, handler ${result.handler}) in ${result.dir}`)
    for (const file of result.files) this.log(`  wrote ${file}`)
    this.log(`Next: cd ${result.dir} && limg build && limg run`)
    return this.withWarnings(result)
  }
}
