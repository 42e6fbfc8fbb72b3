import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import type {BaseBuildResult} from '../../src/base-image/build.js'
import {getRuntime, offlineBaseImage, type Architecture} from '../../src/catalog/runtimes.js'

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
 * The image repository that test runs build offline base images under and use them from:
 * `LIMG_TEST_BASE_REPO` (e.g. `limg-offline-rt`), so a run with changed runtime files never
 * replaces the images that other runs on the same engine use; unset, limg's own
 * `limg-offline/nodejs`.
 */
export function testBaseRepo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.LIMG_TEST_BASE_REPO?.trim() || undefined
}

/** The offline base image the tests expect for a runtime and architecture, e.g. `limg-offline/nodejs:24-arm64`. */
export function expectedBaseImage(runtime: string, arch: Architecture, env: NodeJS.ProcessEnv = process.env): string {
  const info = getRuntime(runtime)
  const repo = testBaseRepo(env)
  return repo ? `${repo}:${info.major}-${arch}` : offlineBaseImage(info, arch)
}

function withTestTag(args: string[], env: NodeJS.ProcessEnv): string[] {
  const valueOf = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined)
  const runtime = valueOf('--runtime')
  const arch = valueOf('--arch') as Architecture | undefined
  if (!testBaseRepo(env) || args.includes('--tag') || !runtime || !arch) return args
  return [...args, '--tag', expectedBaseImage(runtime, arch, env)]
}

/**
 * Runs the built CLI's `limg base build --json` (run `npm run build` first) and returns its
 * result; throws with the CLI's error output when it fails. Without a `--tag` of its own, the
 * image goes under `LIMG_TEST_BASE_REPO` when that is set.
 */
export async function runBaseBuild(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<BaseBuildRun> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'commands', 'base', 'build.js'))) {
    throw new Error('dist/ has no `base build` command: run `npm run build` before the integration tests.')
  }
  const started = Date.now()
  const run = await execa(process.execPath, [CLI, 'base', 'build', ...withTestTag(args, env), '--json'], {env, reject: false, stdin: 'ignore'})
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
 * process; returns the image reference, e.g. `limg-offline/nodejs:24-arm64` (see `testBaseRepo`).
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
