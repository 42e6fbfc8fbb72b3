import {randomBytes} from 'node:crypto'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Readable} from 'node:stream'
import tar from 'tar-stream'
import type {Architecture} from '../../../src/catalog/runtimes.js'
import {getArchitecture} from '../../../src/catalog/runtimes.js'
import {connectionFromEnv} from '../../../src/engine/connection.js'
import {type DockerEngine, connectEngine} from '../../../src/engine/docker-engine.js'
import {EcrStandIn} from '../../support/ecr-stand-in/index.js'
import {type TestRegistry, startRegistry} from '../../support/registry.js'

export const RUN_ID = `push-${randomBytes(4).toString('hex')}`
const BASE_PAYLOAD = randomBytes(1024 * 1024)
export const LABEL = {'limg.test': RUN_ID, limg: 'test'}

/**
 * A tiny FROM-scratch image: a COPY first (an arm64 scratch build on this engine must start
 * with COPY/ADD), then a second file, whose content `variant` changes to make a new top layer.
 */
export async function buildTinyImage(engine: DockerEngine, name: string, arch: Architecture, variant = 'one'): Promise<string> {
  const pack = tar.pack()
  pack.entry({name: 'Dockerfile'}, 'FROM scratch\nCOPY base.txt /base.txt\nCOPY top.txt /top.txt\nCMD ["index.handler"]\n')
  // The classic builder's cache ignores the platform of a FROM scratch build: the content must differ per arch.
  // 1 MiB that does not compress, so bytes uploaded are measurable; seeded by arch so runs differ.
  pack.entry({name: 'base.txt'}, Buffer.concat([Buffer.from(`base layer for ${arch} ${RUN_ID}\n`), BASE_PAYLOAD]))
  pack.entry({name: 'top.txt'}, `top layer ${variant}\n`)
  pack.finalize()
  const ref = `${name}:${arch}`
  await engine.buildImage(pack as unknown as Readable, {tags: [ref], platform: getArchitecture(arch).platform, labels: LABEL})
  return ref
}

/**
 * A FROM-scratch image of its own random, incompressible layers of the given sizes, so that no
 * registry holds any of them yet and the bytes a push sends are known.
 */
export async function buildRandomImage(engine: DockerEngine, name: string, arch: Architecture, layerBytes: number[]): Promise<string> {
  const pack = tar.pack()
  const copies = layerBytes.map((_, i) => `COPY layer-${i}.bin /layer-${i}.bin`).join('\n')
  pack.entry({name: 'Dockerfile'}, `FROM scratch\n${copies}\nCMD ["index.handler"]\n`)
  layerBytes.forEach((size, i) => pack.entry({name: `layer-${i}.bin`}, randomBytes(size)))
  pack.finalize()
  const ref = `${name}:${arch}`
  await engine.buildImage(pack as unknown as Readable, {tags: [ref], platform: getArchitecture(arch).platform, labels: LABEL})
  return ref
}

/** Removes every image this run made, with all its tags (local names and registry ones). */
export async function removeRunImages(engine: DockerEngine): Promise<void> {
  const images = await engine.docker.listImages({all: true, filters: JSON.stringify({label: [`limg.test=${RUN_ID}`]})})
  for (const image of images) await engine.removeImage(image.Id, {force: true})
}

export interface PushWorld {
  engine: DockerEngine
  registry: TestRegistry
  ecr: EcrStandIn
  home: string
  region: string
  restoreEnv(): void
  close(): Promise<void>
}

export const ACCESS_KEY_ID = 'AKIALIMGTEST0000001'
export const SECRET_ACCESS_KEY = randomBytes(20).toString('base64')
export const REGION = 'eu-west-3'

/** Credentials and the stand-in's endpoint, as the SDK's default chain reads them. */
export function awsEnv(ecr: EcrStandIn, home: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_ECR: ecr.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
}

const AWS_KEYS = /^(AWS_|HOME$)/

/** Replaces every AWS_* variable and HOME in this process; returns how to put them back. */
export function setProcessEnv(values: NodeJS.ProcessEnv): () => void {
  const saved = Object.fromEntries(Object.entries(process.env).filter(([k]) => AWS_KEYS.test(k)))
  for (const key of Object.keys(process.env)) if (AWS_KEYS.test(key)) delete process.env[key]
  Object.assign(process.env, values)
  return () => {
    for (const key of Object.keys(process.env)) if (AWS_KEYS.test(key)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

export async function startPushWorld(): Promise<PushWorld> {
  const engine = await connectEngine(connectionFromEnv())
  await engine.ping()
  const registry = await startRegistry()
  const ecr = await new EcrStandIn({identity: {accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region: REGION}, registry}).start()
  const home = await mkdtemp(join(tmpdir(), 'limg-push-home-'))
  const restoreEnv = setProcessEnv(awsEnv(ecr, home))
  return {
    engine,
    registry,
    ecr,
    home,
    region: REGION,
    restoreEnv,
    async close() {
      restoreEnv()
      await ecr.stop()
      await registry[Symbol.asyncDispose]()
      await rm(home, {recursive: true, force: true})
    },
  }
}
