import {Flags} from '@oclif/core'
import {ARCHITECTURE_IDS, DEFAULT_ARCHITECTURE, RUNTIME_IDS, defaultRuntime, deprecationWarning, getRuntime} from '../../catalog/runtimes.js'
import {buildBaseImage, type BaseBuildResult} from '../../base-image/build.js'
import type {BaseBuildEvent} from '../../base-image/events.js'
import {LimgCommand} from '../../cli/base-command.js'

export type BaseBuildCommandResult = BaseBuildResult & {warnings: string[]}

export default class BaseBuild extends LimgCommand<BaseBuildCommandResult> {
  static override summary = 'Build an offline Lambda-compatible base image.'
  static override description =
    "Builds limg-offline/nodejs:<major>-<arch> FROM scratch, for machines that cannot pull AWS's public.ecr.aws/lambda/nodejs images: " +
    "the official Node binary and its npm, the AWS SDK the runtime bundles, a shell and core utilities, and the same paths, environment and " +
    "/lambda-entrypoint.sh as AWS's image, with a runtime interface client and an emulator on port 8080. Downloads are cached " +
    '(LIMG_CACHE_DIR, else $XDG_CACHE_HOME/limg or ~/.cache/limg; about 300 MB per runtime and architecture; a full disk there is exit 7 and ' +
    'keeps what finished downloading); an image built from the same inputs is reused without building.'

  static override examples = [
    '<%= config.bin %> base build --runtime nodejs20.x --arch arm64',
    '<%= config.bin %> base build --runtime nodejs16.x --arch x86_64 --tag registry.example.com/lambda/nodejs:16',
    '<%= config.bin %> base build --runtime nodejs22.x --rie ./aws-lambda-rie --json',
  ]

  static override flags = {
    runtime: Flags.string({summary: 'Lambda runtime.', options: [...RUNTIME_IDS], default: defaultRuntime().id}),
    arch: Flags.string({summary: 'Architecture of the image.', options: [...ARCHITECTURE_IDS], default: DEFAULT_ARCHITECTURE}),
    tag: Flags.string({summary: 'Image name to build instead of limg-offline/nodejs:<major>-<arch>.'}),
    rie: Flags.file({summary: 'A real aws-lambda-rie binary for the architecture, in place of limg\'s emulator.', exists: true}),
    force: Flags.boolean({summary: 'Build even when an image with the same inputs exists.', default: false}),
  }

  public async run(): Promise<BaseBuildCommandResult> {
    const {flags} = await this.parse(BaseBuild)
    this.addWarning(deprecationWarning(getRuntime(flags.runtime)))
    const result = await buildBaseImage(
      {runtime: flags.runtime, arch: flags.arch, tag: flags.tag, riePath: flags.rie, force: flags.force, signal: this.signal},
      {onEvent: (event) => this.render(event)},
    )
    const how = result.cached ? 'up to date' : 'built'
    this.note(`${how} ${result.image} (${result.architecture}, node ${result.nodeVersion}, ${(result.sizeBytes / 1e6).toFixed(0)} MB) in ${(result.durationMs / 1000).toFixed(1)} s`)
    this.log(result.image)
    return this.withWarnings(result)
  }

  private render(event: BaseBuildEvent): void {
    switch (event.type) {
      case 'download':
        if (event.status !== 'fetching') this.note(`download  ${event.item}: ${event.status === 'cached' ? 'cached' : `fetched in ${seconds(event.durationMs)}`}`)
        else this.note(`download  ${event.item}...`)
        break
      case 'up-to-date':
        this.note(`${event.image} already holds these inputs; nothing to build (--force rebuilds).`)
        break
      case 'assemble':
        this.note(`assemble  build context for ${event.image}`)
        break
      case 'build':
        if (event.event.type === 'step') this.note(`build     step ${event.event.index}/${event.event.total}: ${event.event.instruction}`)
        else if (event.event.type === 'output') this.note(`          ${event.event.line}`)
        break
    }
  }
}

function seconds(ms: number | undefined): string {
  return `${((ms ?? 0) / 1000).toFixed(1)} s`
}
