import {type IncomingMessage, type Server, type ServerResponse, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {type SigningIdentity, verifySigV4} from './sigv4.js'

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.'
/** BatchGetImage's acceptedMediaTypes when a request names none. */
const DEFAULT_ACCEPTED = ['application/vnd.docker.distribution.manifest.v2+json']

export interface StandInRepository {
  repositoryArn: string
  registryId: string
  repositoryName: string
  repositoryUri: string
  createdAt: number
  imageTagMutability: string
  imageScanningConfiguration: {scanOnPush: boolean}
  encryptionConfiguration: {encryptionType: string}
  lifecyclePolicyText?: string
}

/** An error the stand-in answers with, in ECR's JSON 1.1 shape. */
export interface StandInFailure {
  type: string
  message: string
  status?: number
  /** How many calls fail before it clears; forever when absent. */
  times?: number
}

export interface EcrStandInOptions {
  identity: Omit<SigningIdentity, 'service'>
  accountId?: string
  /** The registry ECR hands out: `http://127.0.0.1:<port>`, and the password its htpasswd holds for AWS. */
  registry: {endpoint: string; password: string}
  /**
   * Where GetAuthorizationToken says the registry is, when clients reach it through something
   * else than `registry.endpoint` (a front that counts bytes or checks tokens).
   */
  proxyEndpoint?: string
  /** Issues each token (its password and true expiry), as a front that checks them knows them. */
  issueToken?: () => {password: string; expiresAt: Date}
}

export interface Call {
  operation: string
  body: Record<string, unknown>
  status: number
}

/**
 * Amazon ECR's JSON 1.1 API for the calls limg makes, over real HTTP. Every request must be
 * SigV4-signed for the expected access key and region; images live in a real registry (the
 * `proxyEndpoint` it hands out), which BatchGetImage reads.
 */
export class EcrStandIn {
  readonly repositories = new Map<string, StandInRepository>()
  readonly calls: Call[] = []
  /** Failures to answer with, by operation name. */
  readonly failures = new Map<string, StandInFailure>()
  /** Replacements for the next authorization tokens, consumed in order. */
  readonly nextTokens: {password?: string; expiresAt?: Date; proxyEndpoint?: string}[] = []
  /** Where GetAuthorizationToken says the registry is; tests point it at a closed port. */
  proxyEndpoint: string
  private server: Server | undefined
  private readonly accountId: string

  constructor(private readonly options: EcrStandInOptions) {
    this.accountId = options.accountId ?? '123456789012'
    this.proxyEndpoint = options.proxyEndpoint ?? options.registry.endpoint
  }

  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_ECR. */
  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | undefined
    if (!address) throw new Error('The ECR stand-in is not listening.')
    return `http://127.0.0.1:${address.port}`
  }

  get registryHost(): string {
    return new URL(this.options.registry.endpoint).host
  }

  operations(): string[] {
    return this.calls.map((c) => c.operation)
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.send(res, 500, {__type: 'ServerException', message: String(error)}))
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const target = String(req.headers['x-amz-target'] ?? '')
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target
    const reply = (status: number, payload: Record<string, unknown>): void => {
      this.calls.push({operation, body: parsed ?? {}, status})
      this.send(res, status, payload)
    }
    let parsed: Record<string, unknown> | undefined
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) return reply(400, {__type: 'UnknownOperationException'})
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) {
      return reply(400, {__type: 'SerializationException', message: 'Expected Content-Type application/x-amz-json-1.1'})
    }
    const check = verifySigV4(req.method, req.url ?? '/', req.headers, body, {...this.options.identity, service: 'ecr'})
    if (!check.ok) return reply(check.type === 'MissingAuthenticationTokenException' ? 403 : 400, {__type: check.type, message: check.message})
    try {
      parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>
    } catch {
      return reply(400, {__type: 'SerializationException', message: 'Body is not JSON'})
    }
    const failure = this.failures.get(operation)
    if (failure) {
      if (failure.times !== undefined && --failure.times <= 0) this.failures.delete(operation)
      return reply(failure.status ?? 400, {__type: failure.type, message: failure.message})
    }
    const [status, payload] = await this.operate(operation, parsed)
    reply(status, payload)
  }

  private async operate(operation: string, body: Record<string, unknown>): Promise<[number, Record<string, unknown>]> {
    switch (operation) {
      case 'GetAuthorizationToken': {
        const next = this.nextTokens.shift() ?? {}
        const issued = this.options.issueToken?.()
        const password = next.password ?? issued?.password ?? this.options.registry.password
        const expiresAt = next.expiresAt ?? issued?.expiresAt ?? new Date(Date.now() + 12 * 3600 * 1000)
        return [
          200,
          {
            authorizationData: [
              {
                authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
                expiresAt: expiresAt.getTime() / 1000,
                proxyEndpoint: next.proxyEndpoint ?? this.proxyEndpoint,
              },
            ],
          },
        ]
      }
      case 'DescribeRepositories': {
        const names = (body.repositoryNames as string[] | undefined) ?? [...this.repositories.keys()]
        const found = names.map((n) => this.repositories.get(n))
        const missing = names.find((_, i) => !found[i])
        if (missing) return [400, this.notFound(missing)]
        return [200, {repositories: found.map((r) => withoutPolicy(r!))}]
      }
      case 'CreateRepository': {
        const name = String(body.repositoryName)
        if (this.repositories.has(name)) {
          return [400, {__type: 'RepositoryAlreadyExistsException', message: `The repository with name '${name}' already exists in the registry with id '${this.accountId}'`}]
        }
        if (!/^(?=.{2,256}$)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(name)) {
          return [400, {__type: 'InvalidParameterException', message: `Invalid parameter at 'repositoryName' failed to satisfy constraint`}]
        }
        const repository: StandInRepository = {
          repositoryArn: `arn:aws:ecr:${this.options.identity.region}:${this.accountId}:repository/${name}`,
          registryId: this.accountId,
          repositoryName: name,
          repositoryUri: `${this.registryHost}/${name}`,
          createdAt: Date.now() / 1000,
          imageTagMutability: String(body.imageTagMutability ?? 'MUTABLE'),
          imageScanningConfiguration: {scanOnPush: Boolean((body.imageScanningConfiguration as {scanOnPush?: boolean} | undefined)?.scanOnPush)},
          encryptionConfiguration: {encryptionType: 'AES256'},
        }
        this.repositories.set(name, repository)
        return [200, {repository: withoutPolicy(repository)}]
      }
      case 'PutLifecyclePolicy': {
        const name = String(body.repositoryName)
        const repository = this.repositories.get(name)
        if (!repository) return [400, this.notFound(name)]
        const text = String(body.lifecyclePolicyText ?? '')
        try {
          JSON.parse(text)
        } catch {
          return [400, {__type: 'InvalidParameterException', message: 'Invalid parameter at LifecyclePolicyText'}]
        }
        repository.lifecyclePolicyText = text
        return [200, {registryId: this.accountId, repositoryName: name, lifecyclePolicyText: text}]
      }
      case 'GetLifecyclePolicy': {
        const name = String(body.repositoryName)
        const repository = this.repositories.get(name)
        if (!repository) return [400, this.notFound(name)]
        if (!repository.lifecyclePolicyText) {
          return [400, {__type: 'LifecyclePolicyNotFoundException', message: `Lifecycle policy does not exist for the repository with name '${name}' in the registry with id '${this.accountId}'`}]
        }
        return [200, {registryId: this.accountId, repositoryName: name, lifecyclePolicyText: repository.lifecyclePolicyText, lastEvaluatedAt: Date.now() / 1000}]
      }
      case 'BatchGetImage':
        return this.batchGetImage(body)
      default:
        return [400, {__type: 'UnknownOperationException', message: `The stand-in does not implement ${operation}`}]
    }
  }

  /**
   * BatchGetImage as AWS documents it: each image with its manifest as stored, and an image
   * not found listed under `failures` (status 200), not as an exception; a repository that
   * does not exist is RepositoryNotFoundException.
   */
  private async batchGetImage(body: Record<string, unknown>): Promise<[number, Record<string, unknown>]> {
    const name = String(body.repositoryName)
    if (!this.repositories.has(name)) return [400, this.notFound(name)]
    const ids = (body.imageIds as {imageTag?: string; imageDigest?: string}[] | undefined) ?? []
    const accepted = (body.acceptedMediaTypes as string[] | undefined) ?? DEFAULT_ACCEPTED
    const images: Record<string, unknown>[] = []
    const failures: Record<string, unknown>[] = []
    for (const id of ids) {
      const reference = id.imageTag ?? id.imageDigest ?? ''
      const response = await fetch(new URL(`/v2/${name}/manifests/${reference}`, this.options.registry.endpoint), {
        headers: {accept: accepted.join(', '), authorization: `Basic ${Buffer.from(`AWS:${this.options.registry.password}`).toString('base64')}`},
      })
      if (response.status === 404) {
        await response.arrayBuffer()
        failures.push({imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found'})
        continue
      }
      if (!response.ok) return [500, {__type: 'ServerException', message: `registry answered ${response.status}`}]
      images.push({
        registryId: this.accountId,
        repositoryName: name,
        imageId: {imageDigest: response.headers.get('docker-content-digest'), ...(id.imageTag ? {imageTag: id.imageTag} : {})},
        imageManifest: await response.text(),
        imageManifestMediaType: response.headers.get('content-type') ?? '',
      })
    }
    return [200, {images, failures}]
  }

  private notFound(name: string): Record<string, unknown> {
    return {__type: 'RepositoryNotFoundException', message: `The repository with name '${name}' does not exist in the registry with id '${this.accountId}'`}
  }

  private send(res: ServerResponse, status: number, payload: Record<string, unknown>): void {
    const text = JSON.stringify(payload)
    res.writeHead(status, {'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID()})
    res.end(text)
  }
}

function withoutPolicy(repository: StandInRepository): Omit<StandInRepository, 'lifecyclePolicyText'> {
  const {lifecyclePolicyText: _, ...rest} = repository
  return rest
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
