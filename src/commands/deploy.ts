import {Flags} from '@oclif/core'
import {ARCHITECTURE_IDS} from '../catalog/runtimes.js'
import {LimgCommand} from '../cli/base-command.js'
import {InvalidInputError} from '../errors/index.js'
import {confirm} from '../cli/confirm.js'
import type {DeployResult} from '../deploy/deploy.js'
import {deploy} from '../app/deploy.js'
import {deployFunctions} from '../app/deploy-functions.js'
import {type FunctionsResult, findRepository} from '../app/functions.js'
import {DEPLOY_WORDING} from '../ui/functions-wording.js'
import type {RolePlan} from '../iam/execution-role.js'
import {DeployProgressView} from '../ui/deploy-progress.js'

export default class Deploy extends LimgCommand<DeployResult | FunctionsResult<DeployResult>> {
  static override summary = 'Deploy the function to AWS Lambda from its container image.'
  static override description = `Pushes the image \`limg build\` made to ECR as \`limg push\` does (nothing is uploaded when ECR holds it already), then creates the Lambda function from it by digest (PackageType Image, the project's architecture, memory, timeout, environment, ephemeral storage, description and tags from limg.json), or updates an existing function's code and then its configuration. After each step it waits for the states AWS documents: a new function is Pending until Active, an update InProgress until Successful; Lambda's reason is the error when one fails. A change Lambda refuses because another update is in progress is retried once that update is done.

The function's name is limg.json's "name" (--function to choose another). Its architecture is --arch, else the last limg build's, else limg.json's; an image of another architecture is refused before anything is sent.

The execution role is --role (an ARN, or a role name), else "role" in limg.json, else the role limg made for the function before (limg-<function>). When there is none, --create-role creates it as AWS's guide does by hand: trusted by lambda.amazonaws.com, with AWSLambdaBasicExecutionRole attached (the function's log, nothing more); on a terminal limg asks first. limg never attaches any other policy. An existing function keeps its role unless one is named.

--publish publishes a version; --alias NAME (which publishes) points the alias at it.

Credentials, region and endpoints come from the AWS SDK's default chain (AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_IAM honoured); --profile and --region override. --json prints {functionArn, version, imageUri, state, lastUpdateStatus, durationMs, ...}.

At the root of a repository of functions, each function (or those --function names) is deployed under its own name, --jobs at a time, without questions (a missing role needs --create-role); the result lists each outcome, and the exit code is 0 when all were deployed, 8 when some failed.`

  static override examples = [
    {description: 'Deploy, creating the execution role the first time', command: '<%= config.bin %> deploy --create-role'},
    {description: 'Deploy with a role of your own, in another region', command: '<%= config.bin %> deploy --role arn:aws:iam::123456789012:role/orders-fn --region eu-west-1'},
    {description: 'Publish a version and point the "live" alias at it', command: '<%= config.bin %> deploy --alias live --json'},
    {description: 'Deploy the arm64 image under another function name', command: '<%= config.bin %> deploy --arch arm64 --function orders-staging'},
    {description: 'At a repository\'s root: two of its functions', command: '<%= config.bin %> deploy --create-role --function orders --function billing'},
  ]

  static override flags = {
    dir: Flags.string({description: 'Project directory, or a repository of functions.', default: '.'}),
    function: Flags.string({description: 'Function name (default: limg.json\'s "name"); at a repository\'s root, a function to deploy (repeat for more; default: all).', multiple: true}),
    jobs: Flags.integer({description: 'At a repository\'s root: deploy this many functions at once (default: the machine\'s cores).', min: 1}),
    arch: Flags.string({description: 'Architecture of the function (default: the last limg build\'s, else limg.json\'s).', options: [...ARCHITECTURE_IDS]}),
    image: Flags.string({description: 'Local image to deploy (default: <name>:<arch>, as limg build tags it).'}),
    role: Flags.string({description: 'Execution role: an ARN, or a role name (default: limg.json\'s "role", else limg-<function>).'}),
    'create-role': Flags.boolean({description: 'Create the execution role when there is none (trusted by Lambda, AWSLambdaBasicExecutionRole only).', default: false}),
    publish: Flags.boolean({description: 'Publish a version after the deploy.', default: false}),
    alias: Flags.string({description: 'Point this alias at the published version (implies --publish).'}),
    repository: Flags.string({description: 'ECR repository name (default: limg.json ecr.repository).'}),
    tag: Flags.string({description: 'Tag to push (default: <arch>-<first 12 hex of the image id>).'}),
    'create-repository': Flags.boolean({description: 'Create the ECR repository when it does not exist.', default: true, allowNo: true}),
    region: Flags.string({description: 'AWS region (default: from AWS_REGION or the profile).'}),
    profile: Flags.string({description: 'Named profile from ~/.aws/config (default: AWS_PROFILE or "default").'}),
    'wait-timeout': Flags.integer({description: 'Seconds to wait, at most, for Lambda once the image is in ECR.', min: 1, default: 600}),
  }

  public async run(): Promise<DeployResult | FunctionsResult<DeployResult>> {
    const {flags} = await this.parse(Deploy)
    const request = {
      createRepository: flags['create-repository'],
      createRole: flags['create-role'],
      publish: flags.publish,
      waitTimeoutSeconds: flags['wait-timeout'],
      ...(flags.image === undefined ? {} : {image: flags.image}),
      ...(flags.arch === undefined ? {} : {arch: flags.arch}),
      ...(flags.repository === undefined ? {} : {repository: flags.repository}),
      ...(flags.tag === undefined ? {} : {tag: flags.tag}),
      ...(flags.role === undefined ? {} : {role: flags.role}),
      ...(flags.alias === undefined ? {} : {alias: flags.alias}),
      ...(flags.region === undefined ? {} : {region: flags.region}),
      ...(flags.profile === undefined ? {} : {profile: flags.profile}),
    }
    const repository = await findRepository(flags.dir)
    if (repository) {
      return this.forFunctions(DEPLOY_WORDING, (onEvent) => deployFunctions(this.context, repository, {...request, functions: flags.function ?? [], ...(flags.jobs === undefined ? {} : {jobs: flags.jobs})}, onEvent), (result) => result.functionArn)
    }
    if ((flags.function?.length ?? 0) > 1) throw new InvalidInputError(`--function names the one Lambda function ${flags.dir} deploys to; it was given ${flags.function?.length} times.`, 'Give it once, or run at a repository\'s root to deploy several functions.')
    const view = this.jsonEnabled() ? undefined : new DeployProgressView(process.stderr, this.interactive)
    const asks = this.interactive && process.stdin.isTTY
    const result = await deploy(this.context, {
      ...request,
      dir: flags.dir,
      ...(flags.function?.[0] === undefined ? {} : {functionName: flags.function[0]}),
      ...(asks
        ? {confirmRoleCreation: (plan: RolePlan) => confirm(`${plan.functionName} has no execution role. Create ${plan.roleName}, trusted by lambda.amazonaws.com, with only ${plan.policyArn} attached?`)}
        : {}),
    }, view ? (event) => view.handle(event) : undefined)
    view?.settle()
    for (const warning of result.warnings) this.addWarning(warning)
    const what = result.created ? 'Created' : result.codeUpdated || result.configurationChanged.length > 0 ? 'Updated' : 'Unchanged'
    this.note(`${what} ${result.functionArn} (${result.state ?? 'no state'}, ${result.architecture}) in ${(result.durationMs / 1000).toFixed(1)} s`)
    if (result.alias) this.note(`Alias ${result.alias.name} -> version ${result.alias.functionVersion}`)
    this.log(result.functionArn)
    return this.withWarnings({...result, warnings: []})
  }
}
