import {copyFile, mkdir, mkdtemp, rm, stat, symlink} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import type {ContextEntry} from '../context/entries-stream.js'
import {BuildFailedError, InterruptedError} from '../errors/index.js'
import type {BuildStep} from '../project/layout.js'
import type {InstallPlan} from '../project/package-manager.js'

export interface HostCompile {
  /** The build's output folder, absolute: it becomes the task root. */
  outDir: string
  dispose(): Promise<void>
}

/**
 * Compiles a TypeScript function on this host as the engine path's build stage does in the
 * image: the files the context would hold (`entries`, node_modules left out) and the
 * project's registry settings in a temporary
 * folder, every dependency installed there for this machine (the compiler runs here), then the
 * project's build. Only the output folder goes on into the image.
 */
export async function compileOnHost(projectDir: string, entries: ContextEntry[], plan: InstallPlan, step: BuildStep, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<HostCompile> {
  const dir = await mkdtemp(join(tmpdir(), 'limg-direct-compile-'))
  const dispose = (): Promise<void> => rm(dir, {recursive: true, force: true})
  try {
    for (const entry of entries) {
      if (entry.kind === 'directory') await mkdir(join(dir, entry.to), {recursive: true})
      else if (entry.kind === 'file') await copyFile(entry.from, join(dir, entry.to))
      else if (entry.kind === 'symlink') await symlink(entry.target, join(dir, entry.to))
    }
    // The registry settings the deny list keeps out of the image are the install's, as on the engine path.
    for (const file of plan.configFiles) await copyFile(join(projectDir, file), join(dir, file))
    const install = plan.lockFile ? ['ci', '--no-audit', '--no-fund', '--loglevel=error'] : ['install', '--no-audit', '--no-fund', '--loglevel=error']
    await run('npm', install, dir, env, 'installing the build\'s dependencies', signal)
    // The command is limg's own (`npm run build` or the project's tsc), never a shell string.
    const [command, ...args] = step.command.split(' ')
    await run(command.startsWith('node_modules/') ? join(dir, command) : command, args, dir, env, `running the build (${step.command})`, signal)
    const outDir = join(dir, step.outDir)
    if (!(await stat(outDir).catch(() => undefined))?.isDirectory()) {
      throw new BuildFailedError(`The build (${step.command}) wrote no ${step.outDir}/ folder.`, 'Set the output folder ("outDir" in tsconfig.json or limg.json) to where the build writes its JavaScript.')
    }
    return {outDir, dispose}
  } catch (error) {
    await dispose()
    throw error
  }
}

async function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, what: string, signal?: AbortSignal): Promise<void> {
  const result = await execa(command, args, {cwd, env, reject: false, stdin: 'ignore', all: true, ...(signal ? {cancelSignal: signal} : {})})
  if (signal?.aborted) throw new InterruptedError()
  if (result.exitCode !== 0) {
    throw new BuildFailedError(`The TypeScript build failed on this host ${what} (exit ${result.exitCode ?? 'none'}).`, 'Fix the error below, or build with `--builder engine`.', {details: `${result.all ?? ''}`.trim().split('\n').slice(-8)})
  }
}
