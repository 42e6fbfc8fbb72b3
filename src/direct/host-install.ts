import {copyFile, mkdir, mkdtemp, readFile, realpath, rename, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {execa} from 'execa'
import {BuildFailedError, InterruptedError, InvalidInputError} from '../errors/index.js'
import type {InstallPlan} from '../project/package-manager.js'
import {cacheRoot} from '../util/cache-root.js'

/** The first npm with `--libc`, which picks glibc builds of optional platform packages as Lambda needs. */
const MIN_NPM = [10, 3, 0] as const

export interface HostInstall {
  /** A temporary folder holding `node_modules`; the caller removes it with `dispose`. */
  dir: string
  npmVersion: string
  /** The command, for messages and the result. */
  command: string
  dispose(): Promise<void>
}

/**
 * The npm on PATH, which must be 10.3 or later. Asking npm costs a third of a second (it
 * loads itself), so the answer is remembered for the npm file it came from, by its real
 * path, size and time: a rebuild whose dependencies are cached does not start npm at all.
 */
export async function hostNpmVersion(env: NodeJS.ProcessEnv): Promise<string> {
  const identity = await npmIdentity(env)
  const memo = join(cacheRoot(env), 'direct', 'npm-version.json')
  const held = identity === undefined ? undefined : await readFile(memo, 'utf8').then((t) => JSON.parse(t) as {identity?: string; version?: string}, () => undefined)
  if (identity !== undefined && held?.identity === identity && held.version) return held.version
  const run = await execa('npm', ['--version'], {env, reject: false, stdin: 'ignore'})
  const version = run.exitCode === 0 ? run.stdout.trim() : undefined
  const parts = version?.split('.').map(Number) ?? []
  const newEnough = parts.length >= 3 && (parts[0] > MIN_NPM[0] || (parts[0] === MIN_NPM[0] && parts[1] >= MIN_NPM[1]))
  if (!version || !newEnough) {
    throw new InvalidInputError(
      version ? `The direct builder installs dependencies with the host's npm, which is ${version}; it needs npm 10.3 or later (for --libc).` : 'The direct builder installs dependencies with the host\'s npm, and there is no npm on PATH.',
      'Install a newer npm (`npm install --global npm@10`), or build with `--builder engine`.',
    )
  }
  if (identity !== undefined) {
    await mkdir(join(memo, '..'), {recursive: true})
    const temp = `${memo}.${process.pid}.tmp`
    await writeFile(temp, JSON.stringify({identity, version}))
    await rename(temp, memo)
  }
  return version
}

/** The npm on PATH as a file: its real path, size and modification time. */
async function npmIdentity(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = await realpath(join(dir, 'npm')).catch(() => undefined)
    if (!file) continue
    const info = await stat(file).catch(() => undefined)
    if (info?.isFile()) return `${file}\n${info.size}\n${info.mtimeMs}`
  }
  return undefined
}

/**
 * Installs the production dependencies for Lambda's platform on this host: `npm ci
 * --omit=dev` (or `npm install` without a lock file) with `--os=linux --cpu=<x64|arm64>
 * --libc=glibc`, so optional platform packages (esbuild's, sharp's) are the target's, in a
 * temporary folder with only package.json, the lock file and the project's registry
 * settings. Install scripts are not run: they would run for this machine, not Lambda's
 * (checkNativeAddons refuses what needed them).
 */
export async function installForTarget(projectDir: string, plan: InstallPlan, cpu: 'x64' | 'arm64', npmVersion: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<HostInstall> {
  if (plan.manager !== 'npm') {
    throw new InvalidInputError(`The direct builder installs with npm only, and this project uses ${plan.description}.`, 'Build it with `--builder engine`.')
  }
  const dir = await mkdtemp(join(tmpdir(), 'limg-direct-install-'))
  const dispose = (): Promise<void> => rm(dir, {recursive: true, force: true})
  try {
    for (const file of [...plan.inputs, ...plan.configFiles]) await copyFile(join(projectDir, file), join(dir, file))
    const verb = plan.lockFile ? ['ci'] : ['install']
    const args = [...verb, '--omit=dev', '--ignore-scripts', '--os=linux', `--cpu=${cpu}`, '--libc=glibc', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error']
    const run = await execa('npm', args, {cwd: dir, env: {...env, npm_config_package_lock: plan.lockFile ? undefined : 'false'}, reject: false, stdin: 'ignore', ...(signal ? {cancelSignal: signal} : {})})
    if (signal?.aborted) throw new InterruptedError()
    if (run.exitCode !== 0) {
      const lines = `${run.stderr}`.trim().split('\n').slice(-8)
      throw new BuildFailedError(`npm ${args.join(' ')} failed (exit ${run.exitCode}) installing the production dependencies for linux/${cpu}.`, 'Check the output below; `--builder engine` installs inside the image instead.', {details: lines})
    }
    return {dir, npmVersion, command: `npm ${verb[0]} --omit=dev --os=linux --cpu=${cpu} --libc=glibc (npm ${npmVersion} on this host)`, dispose}
  } catch (error) {
    await dispose()
    throw error
  }
}
