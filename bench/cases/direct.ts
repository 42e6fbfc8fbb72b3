import {mkdir, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {ensureBaseImage} from '../../test/support/base-images.js'
import {EcrStandIn} from '../../test/support/ecr-stand-in/index.js'
import {startRegistry} from '../../test/support/registry.js'
import {startByteProxy} from '../lib/byte-proxy.js'
import {addDependencies, initProject, setGreeting} from '../lib/projects.js'
import {type CaseResult, type Row} from '../lib/report.js'
import {CA_BUNDLE, RUNTIME, type BenchSession} from '../lib/session.js'
import {summarize} from '../lib/stats.js'

const ACCESS_KEY_ID = 'AKIALIMGBENCH000002'
const SECRET_ACCESS_KEY = 'bench-secret-access-key-0000000000000002'
const REGION = 'eu-west-3'
const NO_ENGINE = 'unix:///nonexistent/limg-bench-no-engine.sock'

/**
 * Case 8: the direct builder beside the engine path, to one registry behind the ECR stand-in
 * and a relay that counts the bytes sent. The offline base images are put into that registry
 * first (with docker push), as a base image in ECR is. Measured: a one-line handler change
 * built and pushed (`limg build --builder direct --push` with no engine, beside `limg build`
 * + `limg push`), cold builds and pushes of each architecture (a fresh limg cache; npm's own
 * cache stays warm), and the bytes a code change uploads.
 */
export async function directCase(session: BenchSession, runs: number): Promise<CaseResult> {
  const root = await session.tempDir('direct')
  const home = join(root, 'home')
  await mkdir(join(home, '.docker'), {recursive: true})
  const registry = await startRegistry()
  const proxy = await startByteProxy(registry.port)
  const ecr = await new EcrStandIn({identity: {accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region: REGION}, registry: {endpoint: proxy.endpoint, password: registry.password}}).start()
  session.onCleanup(async () => {
    await ecr.stop()
    await proxy.close()
    await registry[Symbol.asyncDispose]()
  })
  session.trackImageRef(`${proxy.host}/`)
  // docker login's file, in the bench's own folder: the base images go in with the docker CLI.
  await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({auths: {[proxy.host]: {auth: Buffer.from(`AWS:${registry.password}`).toString('base64')}}}))
  const bases: Record<string, string> = {}
  for (const arch of ['x86_64', 'arm64'] as const) {
    const local = await ensureBaseImage(RUNTIME, arch)
    const remote = `${proxy.host}/base/nodejs:${RUNTIME.replace(/^nodejs|\.x$/g, '')}-${arch}`
    await execa('docker', ['tag', local, remote])
    await execa('docker', ['push', remote], {env: {...process.env, DOCKER_CONFIG: join(home, '.docker')}})
    await execa('docker', ['rmi', remote], {reject: false})
    bases[arch] = remote
  }
  const aws = {HOME: home, npm_config_cache: join(homedir(), '.npm'), AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY, AWS_REGION: REGION, AWS_ENDPOINT_URL_ECR: ecr.endpoint, AWS_EC2_METADATA_DISABLED: 'true', AWS_PROFILE: ''}

  const samples = new Map<string, number[]>()
  const add = (key: string, value: number): void => void samples.set(key, [...(samples.get(key) ?? []), value])
  const counted = async (work: () => Promise<{ms: number}>): Promise<{ms: number; bytes: number}> => {
    const before = proxy.sent
    const {ms} = await work()
    return {ms, bytes: proxy.sent - before}
  }

  for (let i = 0; i < runs; i++) {
    const dir = join(root, `fn-${i}`)
    await initProject(session, dir, session.projectName(`d${i}`))
    await addDependencies(dir)
    const cache = join(root, `cache-${i}`)
    const direct = (arch: string, repository: string, extra: NodeJS.ProcessEnv = {}): Promise<{ms: number}> =>
      session.limg(['build', '--builder', 'direct', '--push', '--json', '--arch', arch, '--base-image', bases[arch], '--repository', repository], dir, {...aws, DOCKER_HOST: NO_ENGINE, LIMG_CACHE_DIR: cache, ...extra})
    // Cold: nothing of this project in limg's cache; the order of the architectures alternates.
    for (const arch of i % 2 === 0 ? ['x86_64', 'arm64'] : ['arm64', 'x86_64']) {
      const cold = await counted(() => direct(arch, `bench/${session.id}-cold-${i}-${arch}`, {LIMG_CACHE_DIR: join(root, `cold-${i}-${arch}`)}))
      add(`cold ${arch}`, cold.ms)
      add(`cold bytes ${arch}`, cold.bytes)
    }
    // One-line change, each path on its own repository, each pushed once before.
    const directRepo = `bench/${session.id}-d-${i}`
    const engineRepo = `bench/${session.id}-e-${i}`
    const engineLocal = session.tag(`e${i}`)
    const engineBuildAndPush = async (): Promise<{ms: number}> => {
      const built = await session.limg(['build', '--json', '--base-image', await ensureBaseImage(RUNTIME, 'x86_64'), '--ca-cert', CA_BUNDLE, '--tag', `${engineLocal}:latest`], dir, aws)
      const pushed = await session.limg(['push', '--json', '--image', `${engineLocal}:latest`, '--repository', engineRepo], dir, aws)
      return {ms: built.ms + pushed.ms}
    }
    await direct('x86_64', directRepo)
    await engineBuildAndPush()
    await setGreeting(dir, `Hello from direct ${i}`)
    const order = i % 2 === 0 ? ['direct', 'engine'] : ['engine', 'direct']
    for (const path of order) {
      const run = await counted(() => (path === 'direct' ? direct('x86_64', directRepo) : engineBuildAndPush()))
      add(`change ${path}`, run.ms)
      add(`bytes ${path}`, run.bytes)
    }
  }

  const directTool = 'limg build --builder direct --push'
  const engineTool = 'limg build + limg push'
  const rows: Row[] = [
    {measure: 'one-line change build + push x86_64', tool: directTool, unit: 'ms', samples: samples.get('change direct') ?? [], versus: engineTool},
    {measure: 'one-line change build + push x86_64', tool: engineTool, unit: 'ms', samples: samples.get('change engine') ?? []},
    {measure: 'cold direct build + push', tool: 'arm64', unit: 'ms', samples: samples.get('cold arm64') ?? [], versus: 'x86_64'},
    {measure: 'cold direct build + push', tool: 'x86_64', unit: 'ms', samples: samples.get('cold x86_64') ?? []},
    {measure: 'bytes sent by a cold direct build + push', tool: 'arm64', unit: 'bytes', samples: samples.get('cold bytes arm64') ?? []},
    {measure: 'bytes sent by a cold direct build + push', tool: 'x86_64', unit: 'bytes', samples: samples.get('cold bytes x86_64') ?? []},
    {measure: 'bytes uploaded after a code change', tool: directTool, unit: 'bytes', samples: samples.get('bytes direct') ?? [], versus: engineTool},
    {measure: 'bytes uploaded after a code change', tool: engineTool, unit: 'bytes', samples: samples.get('bytes engine') ?? []},
  ]
  const median = (values: number[] | undefined): number => summarize(values ?? []).median
  const change = median(samples.get('change direct'))
  const changeEngine = median(samples.get('change engine'))
  const armRatio = median(samples.get('cold arm64')) / median(samples.get('cold x86_64'))
  return {
    id: 8,
    key: 'direct',
    title: 'Direct builder',
    available: true,
    rows,
    targets: [
      {name: 'one-line change build + push direct under 1 s', met: change < 1000, detail: `${(change / 1000).toFixed(2)} s`},
      {name: 'one-line change direct at most 1/4 of the engine path', met: change <= changeEngine / 4, detail: `${(change / changeEngine).toFixed(2)}x`},
      {name: 'cold arm64 direct at most 1.2x cold x86_64', met: armRatio <= 1.2, detail: `${armRatio.toFixed(2)}x`},
    ],
    note: 'Direct builds run with DOCKER_HOST pointing at nothing; the base layers are mounted from the base repository in the same registry. Times are whole commands (process start, ECR token, repository check, manifest read-back included).',
  }
}
