import {Flags} from '@oclif/core'
import {LimgCommand} from '../cli/base-command.js'
import {ARCHITECTURE_IDS} from '../catalog/runtimes.js'
import {PushProgressView} from '../ui/push-progress.js'
import type {PushResult} from '../push/push-to-ecr.js'
import {runPush} from '../push/run-push.js'

export default class Push extends LimgCommand<PushResult> {
  static override summary = 'Push the function\'s image to Amazon ECR, checked to be one Lambda accepts.'
  static override description = `Takes the image \`limg build\` made (<name>:<arch>, or --image), gets an ECR token with the AWS SDK's credential chain (environment, ~/.aws config and credentials, SSO, container and instance roles; --profile and --region), creates the repository when missing (scan on push, immutable tags and a lifecycle policy keeping the newest images, from limg.json "ecr"), then tags and pushes it through the Docker engine.

The token stays in memory for this push only; nothing is written to ~/.docker/config.json. The local name <registry>/<repository>:<tag> the engine pushes by is removed afterwards (pushed, failed or interrupted) unless it existed before. The default tag is <arch>-<first 12 hex digits of the image id>, so pushing the same image again changes nothing.

Afterwards the manifest is read back from the registry: it must be a single-platform Docker v2 or OCI manifest (not an index) for the function's architecture. The digest reference printed at the end is the one to give Lambda.`
  static override examples = [
    '<%= config.bin %> push',
    '<%= config.bin %> push --arch arm64 --region eu-west-1',
    '<%= config.bin %> push --repository team/orders --profile prod --no-create-repository',
    '<%= config.bin %> push --image my-fn:custom --repository my-fn --tag v1.2.0 --json',
  ]

  static override flags = {
    dir: Flags.string({description: 'Project directory.', default: '.'}),
    image: Flags.string({description: 'Local image to push (default: <name>:<arch>, as limg build tags it).'}),
    arch: Flags.string({description: 'Architecture of the function (default: limg.json\'s).', options: [...ARCHITECTURE_IDS]}),
    repository: Flags.string({description: 'ECR repository name (default: limg.json ecr.repository).'}),
    tag: Flags.string({description: 'Tag to push (default: <arch>-<first 12 hex of the image id>).'}),
    region: Flags.string({description: 'AWS region (default: from AWS_REGION or the profile).'}),
    profile: Flags.string({description: 'Named profile from ~/.aws/config (default: AWS_PROFILE or "default").'}),
    'create-repository': Flags.boolean({description: 'Create the repository when it does not exist.', default: true, allowNo: true}),
    'max-images': Flags.integer({description: 'For a repository limg creates: the lifecycle policy keeps this many newest images (default: limg.json ecr.maxImages, 10).'}),
  }

  public async run(): Promise<PushResult> {
    const {flags} = await this.parse(Push)
    // The pinned SDK supports Node 20; its notice about future releases is not actionable here.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    // The SDK applies a client's `profile` to credentials and region but reads endpoint_url from
    // AWS_PROFILE's section only; setting it makes every setting come from the same profile.
    if (flags.profile) process.env.AWS_PROFILE = flags.profile
    const view = this.jsonEnabled() ? undefined : new PushProgressView(process.stderr, this.interactive)
    const result = await runPush({
      dir: flags.dir,
      image: flags.image,
      arch: flags.arch,
      repository: flags.repository,
      tag: flags.tag,
      region: flags.region,
      profile: flags.profile,
      createRepository: flags['create-repository'],
      maxImages: flags['max-images'],
      signal: this.signal,
      onEvent: view ? (event) => view.handle(event) : undefined,
      onWarning: (warning) => this.addWarning(warning),
    })
    view?.settle()
    for (const warning of result.warnings) this.addWarning(warning)
    const what = result.alreadyPushed ? 'Already in ECR' : `Pushed (${result.layers.pushed} layers uploaded, ${result.layers.existing} already there)`
    this.note(`${what}: ${result.imageUri}`)
    this.note(`${result.mediaType}, ${result.architecture}`)
    this.log(result.digestUri)
    return this.withWarnings({...result, warnings: []})
  }
}
