import {randomBytes} from 'node:crypto'
import type Docker from 'dockerode'
import {EcrStandIn} from './ecr-stand-in/index.js'
import {IamStandIn, type IamStandInOptions} from './iam-stand-in/index.js'
import {LambdaStandIn, type LambdaStandInOptions} from './lambda-stand-in/index.js'
import {LogsStandIn, type LogsStandInOptions} from './logs-stand-in/index.js'
import {type TestRegistry, startRegistry} from './registry.js'

export const ACCESS_KEY_ID = 'AKIALIMGDEPLOYTEST01'
export const SECRET_ACCESS_KEY = randomBytes(20).toString('base64')
export const REGION = 'eu-west-3'

export interface AwsStandIns {
  registry: TestRegistry
  ecr: EcrStandIn
  iam: IamStandIn
  lambda: LambdaStandIn
  logs: LogsStandIn
  /** Credentials, region and every stand-in's endpoint, as the SDK's default chain reads them. */
  env(home: string): NodeJS.ProcessEnv
  close(): Promise<void>
}

export interface AwsStandInOptions {
  docker: Docker
  /** On every container the Lambda stand-in starts: the run's limg.test label, for the sweep. */
  labels: Record<string, string>
  lambda?: Partial<Pick<LambdaStandInOptions, 'settleReads' | 'registryRegion' | 'imageSizeLimitBytes'>>
  iam?: Partial<Pick<IamStandInOptions, 'getRoleMisses' | 'lambdaRefusals'>>
  logs?: Partial<Pick<LogsStandInOptions, 'pageSize'>>
}

/**
 * ECR, IAM, Lambda and CloudWatch Logs stand-ins over real HTTP, one account and region, wired
 * as AWS's services are: ECR hands out a real registry, Lambda pulls images from it onto the
 * real engine, asks IAM whether it may assume a role, and writes the log to CloudWatch Logs.
 */
export async function startAwsStandIns(options: AwsStandInOptions): Promise<AwsStandIns> {
  const identity = {accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region: REGION}
  const registry = await startRegistry()
  const started: {stop(): Promise<void>}[] = []
  try {
    const ecr = await new EcrStandIn({identity, registry}).start()
    started.push(ecr)
    const iam = await new IamStandIn({identity, ...options.iam}).start()
    started.push(iam)
    const logs = await new LogsStandIn({identity, ...options.logs}).start()
    started.push(logs)
    const lambda = await new LambdaStandIn({identity, iam, logs, registry, docker: options.docker, labels: options.labels, ...options.lambda}).start()
    started.push(lambda)
    return {
      registry,
      ecr,
      iam,
      lambda,
      logs,
      env: (home) => ({
        HOME: home,
        AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL_ECR: ecr.endpoint,
        AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
        AWS_ENDPOINT_URL_IAM: iam.endpoint,
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      }),
      async close() {
        for (const standIn of started.reverse()) await standIn.stop()
        await registry[Symbol.asyncDispose]()
      },
    }
  } catch (error) {
    for (const standIn of started.reverse()) await standIn.stop()
    await registry[Symbol.asyncDispose]()
    throw error
  }
}
