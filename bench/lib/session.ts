import {randomBytes} from 'node:crypto'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {type TimedRun, timed} from './exec.js'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const LIMG_BIN = join(REPO_ROOT, 'bin', 'run.js')
export const BENCH_TEMPLATES = join(REPO_ROOT, 'bench', 'templates')
export const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'
export const RUNTIME = 'nodejs22.x'

/**
 * One benchmark run: its id, its temporary folder, and everything it creates on the Docker
 * engine, so that all of it is removed at the end (and on Ctrl-C).
 */
export class BenchSession {
  readonly id: string
  readonly label: string
  private readonly cleanups: Array<() => Promise<void>> = []
  private readonly imageRefs = new Set<string>()
  private readonly imageIds = new Set<string>()
  private readonly projectNames = new Set<string>()
  private root: string | undefined

  constructor() {
    const stamp = new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 14)
    this.id = `${stamp}-${randomBytes(3).toString('hex')}`
    this.label = `limg.bench=${this.id}`
  }

  /** A temporary folder under os.tmpdir(), removed at the end. */
  async tempDir(name: string): Promise<string> {
    this.root ??= await mkdtemp(join(tmpdir(), `limg-bench-${this.id}-`))
    const dir = join(this.root, name)
    await execa('mkdir', ['-p', dir])
    return dir
  }

  /** A project name unique to this run; images limg builds for it carry limg.project=<name>. */
  projectName(suffix: string): string {
    const name = `lb-${this.id}-${suffix}`
    this.projectNames.add(name)
    return name
  }

  /** An image tag unique to this run. */
  tag(suffix: string): string {
    const ref = `limg-bench-${this.id}-${suffix}`
    this.imageRefs.add(ref)
    return ref
  }

  trackImageRef(ref: string): void {
    this.imageRefs.add(ref)
  }

  /** Intermediate images a docker CLI build created (not ones it took from the cache). */
  trackBuildOutput(output: string): void {
    const lines = output.split('\n')
    for (let i = 1; i < lines.length; i++) {
      const id = /^ ---> ([0-9a-f]{12})$/.exec(lines[i])?.[1]
      if (id && !lines[i - 1].includes('Using cache')) this.imageIds.add(id)
    }
  }

  onCleanup(work: () => Promise<void>): void {
    this.cleanups.push(work)
  }

  /** The environment for limg subprocesses: containers limg starts take the bench label. */
  limgEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {...process.env, CI: '1', NO_COLOR: '1', LIMG_LABELS: this.label, ...extra}
  }

  limg(args: readonly string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<TimedRun> {
    return timed(process.execPath, [LIMG_BIN, ...args], {cwd, env: this.limgEnv(extraEnv), extendEnv: false})
  }

  /** The docker CLI with the engine's own (classic) builder, the one limg drives through the API. */
  docker(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TimedRun> {
    return timed('docker', args, {env: {...process.env, DOCKER_BUILDKIT: '0', ...extraEnv}, extendEnv: false})
  }

  async cleanup(): Promise<void> {
    for (const work of this.cleanups.reverse()) await work().catch((error: unknown) => console.error(`cleanup: ${String(error)}`))
    this.cleanups.length = 0
    const containers = await lines('docker', ['ps', '-aq', '--filter', `label=${this.label}`])
    if (containers.length > 0) await execa('docker', ['rm', '-f', ...containers], {reject: false})
    const labelled = await lines('docker', ['images', '-aq', '--no-trunc', '--filter', `label=${this.label}`])
    for (const name of this.projectNames) labelled.push(...(await lines('docker', ['images', '-aq', '--no-trunc', '--filter', `label=limg.project=${name}`])))
    const refs = (await lines('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'])).filter((ref) => [...this.imageRefs].some((mine) => ref.startsWith(mine)))
    if (refs.length > 0) await execa('docker', ['rmi', '-f', ...refs], {reject: false})
    const ids = [...new Set(labelled)]
    if (ids.length > 0) await execa('docker', ['rmi', '-f', ...ids], {reject: false})
    // Without -f: an intermediate image another build has since built on stays.
    if (this.imageIds.size > 0) await execa('docker', ['rmi', ...this.imageIds], {reject: false})
    if (this.root) await rm(this.root, {recursive: true, force: true})
  }
}

async function lines(file: string, args: string[]): Promise<string[]> {
  const run = await execa(file, args, {reject: false})
  return String(run.stdout).split('\n').map((s) => s.trim()).filter(Boolean)
}
