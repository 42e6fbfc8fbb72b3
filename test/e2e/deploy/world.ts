import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {type ResultPromise, execa} from 'execa'
import {connectionFromEnv} from '../../../src/docker/connection.js'
import {type DockerClient, connectDocker} from '../../../src/docker/client.js'
import {rawDocker} from '../../support/raw-docker.js'
import {type AwsStandIns, startAwsStandIns} from '../../support/aws-stand-ins.js'

const BIN = resolve('bin/run.js')
const HERE = dirname(fileURLToPath(import.meta.url))

export interface Run {
  exitCode: number
  stdout: string
  stderr: string
  json: Record<string, unknown>
  wallMs: number
}

/** A limg process left running, whose output a test waits on. */
export interface Spawned {
  process: ResultPromise
  stdout(): string
  stderr(): string
  /** Resolves once stderr matches (limg's progress lines are on stderr). */
  waitFor(pattern: RegExp): Promise<void>
  waitForStdout(pattern: RegExp): Promise<void>
  /** Resolves once `seen` holds, checked on each answer of the stand-ins' process (no fixed sleep). */
  waitForRequest(seen: () => boolean): Promise<void>
}

export interface DeployWorld {
  engine: DockerClient
  aws: AwsStandIns
  root: string
  home: string
  /** Runs bin/run.js in `cwd` with only the test's environment: no AWS setting of the machine leaks in. */
  limg(args: string[], cwd: string, options?: {input?: string; env?: NodeJS.ProcessEnv}): Promise<Run>
  spawn(args: string[], cwd: string): Spawned
  /** `limg init NAME --yes` in the world's folder, with the test handler in place of the scaffolded one. */
  project(name: string, config?: Record<string, unknown>): Promise<string>
  close(): Promise<void>
}

/** The engine, the AWS stand-ins, and a HOME and cache of the run's own; everything labelled `limg.test=<runId>`. */
export async function startDeployWorld(runId: string): Promise<DeployWorld> {
  const engine = await connectDocker(connectionFromEnv())
  const labels = {'limg.test': runId, limg: 'test'}
  const aws = await startAwsStandIns({docker: rawDocker(), labels})
  const root = await mkdtemp(join(tmpdir(), 'limg-e2e-deploy-'))
  const home = join(root, 'home')
  await mkdir(home)
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    CI: '1',
    NO_COLOR: '1',
    LIMG_LABELS: `limg.test=${runId}`,
    LIMG_CACHE_DIR: join(root, 'cache'),
    ...aws.env(home),
  }
  const limg: DeployWorld['limg'] = async (args, cwd, options = {}) => {
    const started = Date.now()
    const run = await execa(BIN, args, {
      cwd,
      reject: false,
      extendEnv: false,
      env: {...base, ...options.env},
      ...(options.input === undefined ? {stdin: 'ignore' as const} : {input: options.input}),
    })
    const wallMs = Date.now() - started
    let json: Record<string, unknown> = {}
    if (args.includes('--json')) {
      try {
        json = JSON.parse(run.stdout) as Record<string, unknown>
      } catch {
        throw new Error(`limg ${args.join(' ')} printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`)
      }
    }
    return {exitCode: run.exitCode ?? -1, stdout: run.stdout, stderr: run.stderr, json, wallMs}
  }
  const spawn = (args: string[], cwd: string): Spawned => {
    const child = execa(BIN, args, {cwd, reject: false, extendEnv: false, env: base, stdin: 'ignore'})
    let out = ''
    let err = ''
    const waiters: (() => void)[] = []
    const poke = () => {
      for (const waiter of [...waiters]) waiter()
    }
    child.stdout?.on('data', (c: Buffer) => ((out += c.toString()), poke()))
    child.stderr?.on('data', (c: Buffer) => ((err += c.toString()), poke()))
    const until = (done: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (done()) {
            waiters.splice(waiters.indexOf(check), 1)
            resolve()
          }
        }
        waiters.push(check)
        void child.then(() => reject(new Error(`limg ${args.join(' ')} exited before ${what}:\n${out}\n${err}`)))
        check()
      })
    return {
      process: child,
      stdout: () => out,
      stderr: () => err,
      waitFor: (pattern) => until(() => pattern.test(err), String(pattern)),
      waitForStdout: (pattern) => until(() => pattern.test(out), String(pattern)),
      waitForRequest: (seen) =>
        new Promise<void>((resolve, reject) => {
          const check = () => {
            if (!seen()) return
            aws.logs.off('request', check)
            resolve()
          }
          aws.logs.on('request', check)
          void child.then(() => reject(new Error(`limg ${args.join(' ')} exited early:\n${out}\n${err}`)))
          check()
        }),
    }
  }
  return {
    engine,
    aws,
    root,
    home,
    limg,
    spawn,
    async project(name, config = {}) {
      const init = await limg(['init', name, '--yes', '--json'], root)
      if (init.exitCode !== 0) throw new Error(`limg init failed: ${init.stderr}`)
      const dir = join(root, name)
      await writeFile(join(dir, 'index.js'), await readFile(join(HERE, 'handler.js.txt'), 'utf8'))
      const file = join(dir, 'limg.json')
      await writeFile(file, JSON.stringify({...(JSON.parse(await readFile(file, 'utf8')) as object), ...config}, null, 2))
      return dir
    },
    async close() {
      await aws.close()
      const docker = rawDocker()
      const filters = {label: [`limg.test=${runId}`]}
      for (const c of await docker.listContainers({all: true, filters})) await docker.getContainer(c.Id).remove({force: true}).catch(() => undefined)
      const images = await docker.listImages({filters})
      images.sort((a, b) => b.Created - a.Created)
      for (const image of images) await docker.getImage(image.Id).remove({force: true}).catch(() => undefined)
      await rm(root, {recursive: true, force: true})
    },
  }
}

export async function setHandlerVersion(dir: string, version: string): Promise<void> {
  const file = join(dir, 'index.js')
  await writeFile(file, (await readFile(file, 'utf8')).replace(/const VERSION = '[^']*'/, `const VERSION = '${version}'`))
}
