import {availableParallelism} from 'node:os'
import {cp, readFile, readdir, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {ensureBaseImage} from '../../test/support/base-images.js'
import type {CaseResult, Row} from '../lib/report.js'
import {execa} from 'execa'
import {CA_BUNDLE, LIMG_BIN, REPO_ROOT, type BenchSession} from '../lib/session.js'
import {elapsedMs, summarize} from '../lib/stats.js'

const FIXTURE = resolve(REPO_ROOT, 'test/fixtures/repositories/shop')

/**
 * Case 9: the six-function repository of the tests (CommonJS, ES modules, TypeScript, two
 * sharing their dependencies, one failing its check), built cold: `limg build` once at the
 * root (as many at a time as the machine has cores) beside `limg build` in each function's
 * folder one after another. Cold means this run's own names and a fresh description in every
 * package.json, so no layer of an earlier run is in the engine's cache; npm's cache stays warm.
 */
export async function functionsCase(session: BenchSession, runs: number): Promise<CaseResult> {
  const base = await ensureBaseImage('nodejs22.x', 'x86_64')
  const samples = {root: [] as number[], each: [] as number[]}
  for (let i = 0; i < runs; i++) {
    for (const way of i % 2 === 0 ? (['root', 'each'] as const) : (['each', 'root'] as const)) {
      const dir = await session.tempDir(`functions-${i}-${way}`)
      const folders = await freshCopy(session, dir, `${i}${way[0]}`)
      if (way === 'root') {
        samples.root.push(await build(session, dir, base, 8))
      } else {
        let total = 0
        for (const folder of folders) total += await build(session, folder, base, folder.endsWith('broken') ? 4 : 0)
        samples.each.push(total)
      }
    }
  }
  const jobs = Math.min(availableParallelism(), 6)
  const rootTool = `limg build at the root (${jobs} at a time)`
  const eachTool = 'limg build in each folder, one after another'
  const rows: Row[] = [
    {measure: 'six-function repository, cold build', tool: rootTool, unit: 'ms', samples: samples.root, versus: eachTool},
    {measure: 'six-function repository, cold build', tool: eachTool, unit: 'ms', samples: samples.each},
  ]
  const ratio = summarize(samples.root).median / summarize(samples.each).median
  return {
    id: 9,
    key: 'functions',
    title: 'Many functions',
    available: true,
    rows,
    targets: [{name: 'the root build faster than one function after another', met: ratio < 1, detail: `${ratio.toFixed(2)}x`}],
    note: 'One function fails its handler check in both ways, as in the tests; the times are whole commands.',
  }
}

/** One `limg build`'s wall time; it must exit as expected (8 at the root, where one function fails; 4 for that one alone). */
async function build(session: BenchSession, dir: string, base: string, expectedExit: number): Promise<number> {
  const start = process.hrtime.bigint()
  const run = await execa(process.execPath, [LIMG_BIN, 'build', '--json', '--base-image', base], {cwd: dir, reject: false, stdin: 'ignore', env: session.limgEnv({NODE_EXTRA_CA_CERTS: CA_BUNDLE}), extendEnv: false})
  const ms = elapsedMs(start)
  if (run.exitCode !== expectedExit) throw new Error(`limg build in ${dir} exited ${String(run.exitCode)}, not ${expectedExit}:\n${String(run.stderr).slice(-2000)}`)
  return ms
}

/** The fixture, with names of this run's own and a fresh description in every package.json; the function folders. */
async function freshCopy(session: BenchSession, dir: string, suffix: string): Promise<string[]> {
  await cp(FIXTURE, dir, {recursive: true})
  const folders: string[] = []
  for (const name of (await readdir(join(dir, 'functions'))).sort()) {
    const folder = join(dir, 'functions', name)
    folders.push(folder)
    const limgJson = join(folder, 'limg.json')
    await writeFile(limgJson, JSON.stringify({...JSON.parse(await readFile(limgJson, 'utf8')), name: session.projectName(`${name}-${suffix}`)}))
    const packageJson = join(folder, 'package.json')
    const text = await readFile(packageJson, 'utf8').catch(() => undefined)
    if (text !== undefined) await writeFile(packageJson, JSON.stringify({...JSON.parse(text), description: `bench ${session.id} ${suffix}`}))
    await writeFile(join(folder, 'bench-run.txt'), `${session.id} ${suffix}\n`)
  }
  return folders
}
