import {Flags} from '@oclif/core'
import {ARCHITECTURE_IDS} from '../catalog/runtimes.js'
import {LimgCommand} from '../cli/base-command.js'
import {dockerfile} from '../app/dockerfile.js'
import type {ProjectDockerfileResult} from '../dockerfile/project-dockerfile.js'

export type DockerfileResult = ProjectDockerfileResult

export default class Dockerfile extends LimgCommand<DockerfileResult> {
  static override summary = 'Print the Dockerfile limg build uses, or write it into the project.'
  static override description = `Prints the project's own Dockerfile when it has one (limg build uses it as it is), else the one limg renders from its templates for the runtime, architecture and module format in limg.json.

Every rendered Dockerfile starts with ARG BASE_IMAGE, so --arch and --base-image change one build argument. With --write it is saved as Dockerfile, which limg build then uses; edit it freely.`

  static override examples = [
    {description: 'Show the Dockerfile for the project in the current directory', command: '<%= config.bin %> dockerfile'},
    {description: 'For arm64, from a mirror of the base image', command: '<%= config.bin %> dockerfile --arch arm64 --base-image mirror.example.com/lambda/nodejs:20-arm64'},
    {description: 'Take ownership of the Dockerfile', command: '<%= config.bin %> dockerfile --write'},
  ]

  static override flags = {
    dir: Flags.string({description: 'Project directory.', default: '.'}),
    arch: Flags.string({description: 'Instruction set architecture (default: limg.json\'s).', options: [...ARCHITECTURE_IDS]}),
    'base-image': Flags.string({description: 'Base image reference (default: public.ecr.aws/lambda/nodejs:<major>-<arch>).'}),
    write: Flags.boolean({description: 'Write the rendered Dockerfile to <dir>/Dockerfile.', default: false}),
    force: Flags.boolean({description: 'With --write, replace an existing Dockerfile.', default: false}),
  }

  public async run(): Promise<DockerfileResult> {
    const {flags} = await this.parse(Dockerfile)
    const result = await dockerfile(this.context, {
      dir: flags.dir,
      write: flags.write,
      force: flags.force,
      ...(flags.arch === undefined ? {} : {arch: flags.arch}),
      ...(flags['base-image'] === undefined ? {} : {baseImage: flags['base-image']}),
    })
    for (const warning of result.warnings) this.addWarning(warning)
    if (!this.jsonEnabled()) process.stdout.write(result.dockerfile)
    if (result.written) this.note(`Wrote ${result.path}; limg build uses it from now on.`)
    else if (result.source === 'project') this.note(`(the project's own ${result.path})`)
    return this.withWarnings(result)
  }
}
