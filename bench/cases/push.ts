import {mkdir, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {execa} from 'execa'
import {ensureBaseImage} from '../../test/support/base-images.js'
import {EcrStandIn} from '../../test/support/ecr-stand-in/index.js'
import {startRegistry} from '../../test/support/registry.js'
import {type ByteProxy, startByteProxy} from '../lib/byte-proxy.js'
import {initProject, setGreeting} from '../lib/projects.js'
import {type CaseResult, type Row, median} from '../lib/report.js'
import {CA_BUNDLE, RUNTIME, type BenchSession} from '../lib/session.js'

const KINDS = ['first push', 'repeat push', 'push after code change'] as const
const ACCESS_KEY_ID = 'AKIALIMGBENCH000001'
const SECRET_ACCESS_KEY = 'bench-secret-access-key-0000000000000000'
const REGION = 'eu-west-3'

interface Pusher {
  tool: string
  push(kind: (typeof KINDS)[number]): Promise<{ms: number; bytes: number}>
  close(): Promise<void>
}

/**
 * Case 6: `limg push` through the ECR stand-in beside `docker push` after `docker login`,
 * each to its own fresh docker-registry (so a first push is a first push), behind a relay
 * that counts the bytes sent. Both push the same local images: the function as built, then
 * the same function after a one-line change.
 */
export async function pushCase(session: BenchSession, runs: number): Promise<CaseResult> {
  const arch = 'x86_64'
  const base = await ensureBaseImage(RUNTIME, arch)
  const root = await session.tempDir('push')
  const dir = join(root, 'fn')
  const name = session.projectName('p')
  await initProject(session, dir, name)
  const localTag = `${session.tag('p')}:latest`
  const build = async (): Promise<void> => void (await session.limg(['build', '--json', '--base-image', base, '--ca-cert', CA_BUNDLE, '--tag', localTag], dir))
  const home = join(root, 'home')
  await mkdir(home, {recursive: true})

  const samples = new Map<string, {ms: number[]; bytes: number[]}>()
  const record = (kind: string, tool: string, run: {ms: number; bytes: number}): void => {
    const key = `${kind}\u0000${tool}`
    const entry = samples.get(key) ?? {ms: [], bytes: []}
    entry.ms.push(run.ms)
    entry.bytes.push(run.bytes)
    samples.set(key, entry)
  }
  for (let i = 0; i < runs; i++) {
    await setGreeting(dir, `Hello from push ${i}`)
    await build()
    const pushers = [await limgPusher(session, dir, localTag, `bench/${session.id}`, home), await dockerPusher(session, root, localTag, `bench/${session.id}`, i)]
    try {
      const order = i % 2 === 0 ? pushers : [...pushers].reverse()
      for (const kind of KINDS) {
        if (kind === 'push after code change') {
          await setGreeting(dir, `Hello again from push ${i}`)
          await build()
        }
        for (const pusher of order) record(kind, pusher.tool, await pusher.push(kind))
      }
    } finally {
      for (const pusher of pushers) await pusher.close()
    }
  }
  const rows: Row[] = []
  for (const kind of KINDS) {
    for (const tool of ['limg push', 'docker push']) {
      const entry = samples.get(`${kind}\u0000${tool}`) ?? {ms: [], bytes: []}
      const versus = tool === 'limg push' ? {versus: 'docker push'} : {}
      rows.push({measure: `${kind} (time)`, tool, unit: 'ms', samples: entry.ms, ...versus})
      rows.push({measure: `${kind} (bytes sent)`, tool, unit: 'bytes', samples: entry.bytes, ...versus})
    }
  }
  return {
    id: 6,
    key: 'push',
    title: 'Push',
    available: true,
    rows,
    // limg's own checks included (ECR's repository and tag, the read-back).
    targets: ([['repeat push', 1.5], ['push after code change', 1.3]] as const).map(([kind, limit]) => {
      const limg = median(rows, `${kind} (time)`, 'limg push') ?? Number.NaN
      const docker = median(rows, `${kind} (time)`, 'docker push') ?? Number.NaN
      return {name: `${kind} at most ${limit}x docker push`, met: limg <= limit * docker, detail: `${limg.toFixed(0)} ms vs ${docker.toFixed(0)} ms = ${(limg / docker).toFixed(2)}x`}
    }),
    note: 'limg push includes ECR authorisation, the repository check and the manifest read-back against the stand-in; docker push starts after docker login. Each push goes to a fresh local registry; bytes are counted on the wire (HTTP, no TLS).',
  }
}

async function limgPusher(session: BenchSession, dir: string, image: string, repository: string, home: string): Promise<Pusher> {
  const registry = await startRegistry()
  const proxy = await startByteProxy(registry.port)
  const ecr = await new EcrStandIn({identity: {accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region: REGION}, registry: {endpoint: proxy.endpoint, password: registry.password}}).start()
  session.trackImageRef(`${proxy.host}/`)
  const env = {
    HOME: home,
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_ECR: ecr.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: '',
  }
  return {
    tool: 'limg push',
    push: async () => measured(proxy, () => session.limg(['push', '--json', '--image', image, '--repository', repository], dir, env)),
    close: async () => {
      await ecr.stop()
      await proxy.close()
      await registry[Symbol.asyncDispose]()
    },
  }
}

async function dockerPusher(session: BenchSession, root: string, image: string, repository: string, round: number): Promise<Pusher> {
  const registry = await startRegistry()
  const proxy = await startByteProxy(registry.port)
  session.trackImageRef(`${proxy.host}/`)
  // docker login writes the password to config.json: a folder of the bench's own, removed after.
  const config = join(root, `docker-config-${round}`)
  await mkdir(config, {recursive: true})
  const env = {DOCKER_CONFIG: config}
  await execa('docker', ['login', '-u', 'AWS', '--password-stdin', proxy.host], {input: registry.password, env})
  const ref = (kind: string): string => `${proxy.host}/${repository}:${kind === 'push after code change' ? 'changed' : 'first'}`
  return {
    tool: 'docker push',
    push: async (kind) => {
      await execa('docker', ['tag', image, ref(kind)])
      return measured(proxy, () => session.docker(['push', ref(kind)], env))
    },
    close: async () => {
      await execa('docker', ['rmi', ref('first'), ref('push after code change')], {reject: false})
      await proxy.close()
      await registry[Symbol.asyncDispose]()
      await rm(config, {recursive: true, force: true})
    },
  }
}

async function measured(proxy: ByteProxy, work: () => Promise<{ms: number}>): Promise<{ms: number; bytes: number}> {
  const before = proxy.sent
  const {ms} = await work()
  return {ms, bytes: proxy.sent - before}
}
