import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import type {BaseBuildResult} from '../../src/base-image/build.js'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const CLI = join(REPO_ROOT, 'bin', 'run.js')

/** `limg base build --json`: the domain result plus the warnings the command adds. */
export type BaseBuildJson = BaseBuildResult & {warnings: string[]}

/** Wall-clock time of the whole command, process start included, beside its result. */
export interface BaseBuildRun {
  result: BaseBuildJson
  wallMs: number
}

/**
 * Runs the built CLI's `limg base build --json` (run `npm run build` first) and returns its
 * result; throws with the CLI's error output when it fails.
 */
export async function runBaseBuild(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<BaseBuildRun> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'commands', 'base', 'build.js'))) {
    throw new Error('dist/ has no `base build` command: run `npm run build` before the integration tests.')
  }
  const started = Date.now()
  const run = await execa(process.execPath, [CLI, 'base', 'build', ...args, '--json'], {env, reject: false, stdin: 'ignore'})
  const wallMs = Date.now() - started
  if (run.exitCode !== 0) {
    throw new Error(`limg base build ${args.join(' ')} exited ${run.exitCode}:\n${run.stdout}\n${run.stderr}`)
  }
  return {result: JSON.parse(run.stdout) as BaseBuildJson, wallMs}
}

const ensured = new Map<string, Promise<string>>()

/**
 * The offline base image for a runtime and architecture, built through `bin/run.js base build`
 * when missing or out of date (an up-to-date image answers in about a second). Once per test
 * process; returns the image reference, e.g. `limg-offline/nodejs:24-arm64`.
 */
export function ensureBaseImage(runtime: string, arch: 'x86_64' | 'arm64'): Promise<string> {
  const key = `${runtime}/${arch}`
  let image = ensured.get(key)
  if (!image) {
    image = runBaseBuild(['--runtime', runtime, '--arch', arch]).then((run) => run.result.image)
    // A failure is not remembered: the next caller tries again and sees the error itself.
    image.catch(() => ensured.delete(key))
    ensured.set(key, image)
  }
  return image
}
