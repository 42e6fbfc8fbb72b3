import {Flags} from '@oclif/core'
import {LimgCommand} from '../cli/base-command.js'
import {runPush} from '../cli/bodies/push.js'
import {ARCHITECTURE_IDS} from '../catalog/runtimes.js'
import type {FunctionsResult} from '../app/functions.js'
import type {PushResult} from '../push/push-to-ecr.js'

export default class Push extends LimgCommand<PushResult | FunctionsResult<PushResult>> {
  static override summary = 'Push the function\'s image to Amazon ECR, checked to be one Lambda accepts.'
  static override description = `Takes the image \`limg build\` made (<name>:<arch>, or --image), gets an ECR token with the AWS SDK's credential chain (environment, ~/.aws config and credentials, SSO, container and instance roles; --profile and --region), creates the repository when missing (scan on push, immutable tags and a lifecycle policy keeping the newest images, from limg.json "ecr"), then tags and pushes it through the Docker engine.

The token stays in memory for this push only; nothing is written to ~/.docker/config.json. The local name <registry>/<repository>:<tag> the engine pushes by is removed afterwards (pushed, failed or interrupted) unless it existed before. The default tag is <arch>-<first 12 hex digits of the image id>, so pushing the same image again changes nothing.

Afterwards the manifest is read back from the registry: it must be a single-platform Docker v2 or OCI manifest (not an index) for the function's architecture. The digest reference printed at the end is the one to give Lambda.

At the root of a repository of functions, each function's image (or those --function names) goes to its own repository, --jobs at a time; the result lists each outcome, and the exit code is 0 when all were pushed, 8 when some failed.`
  static override examples = [
    '<%= config.bin %> push',
    '<%= config.bin %> push --arch arm64 --region eu-west-1',
    '<%= config.bin %> push --repository team/orders --profile prod --no-create-repository',
    '<%= config.bin %> push --image my-fn:custom --repository my-fn --tag v1.2.0 --json',
    {description: 'At a repository\'s root: every function\'s image', command: '<%= config.bin %> push --region eu-west-1 --jobs 4'},
  ]

  static override flags = {
    dir: Flags.string({description: 'Project directory, or a repository of functions.', default: '.'}),
    function: Flags.string({description: 'At a repository\'s root: push this function (its limg.json name or folder); repeat for more (default: all).', multiple: true}),
    jobs: Flags.integer({description: 'At a repository\'s root: push this many functions at once (default: the machine\'s cores).', min: 1}),
    image: Flags.string({description: 'Local image to push (default: <name>:<arch>, as limg build tags it).'}),
    arch: Flags.string({description: 'Architecture of the function (default: limg.json\'s).', options: [...ARCHITECTURE_IDS]}),
    repository: Flags.string({description: 'ECR repository name (default: limg.json ecr.repository).'}),
    tag: Flags.string({description: 'Tag to push (default: <arch>-<first 12 hex of the image id>).'}),
    region: Flags.string({description: 'AWS region (default: from AWS_REGION or the profile).'}),
    profile: Flags.string({description: 'Named profile from ~/.aws/config (default: AWS_PROFILE or "default").'}),
    'create-repository': Flags.boolean({description: 'Create the repository when it does not exist.', default: true, allowNo: true}),
    'max-images': Flags.integer({description: 'For a repository limg creates: the lifecycle policy keeps this many newest images (default: limg.json ecr.maxImages, 10).'}),
  }

  public async run(): Promise<PushResult | FunctionsResult<PushResult>> {
    const {flags} = await this.parse(Push)
    return runPush(this.shell, flags)
  }
}
