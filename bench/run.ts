import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {buildCase} from './cases/build.js'
import {contextCase} from './cases/context.js'
import {frontDoorCase} from './cases/front-door.js'
import {functionsCase} from './cases/functions.js'
import {directCase} from './cases/direct.js'
import {invokeCase} from './cases/invoke.js'
import {pushCase} from './cases/push.js'
import {startupCase} from './cases/startup.js'
import {templateCase} from './cases/template.js'
import {describeMachine, describeMachineLine} from './lib/machine.js'
import {CASE_KEYS, parseOptions} from './lib/options.js'
import {type CaseResult, renderMarkdownTable, renderTable, renderTargets, summarizeRows} from './lib/report.js'
import {BenchSession, REPO_ROOT} from './lib/session.js'
import {elapsedMs} from './lib/stats.js'

const options = parseOptions(process.argv.slice(2))
const session = new BenchSession()
const machine = await describeMachine()
const started = new Date()
const log = (text: string): void => void process.stderr.write(`${text}\n`)

let interrupted = false
process.once('SIGINT', () => {
  interrupted = true
  log('\nInterrupted: removing what the bench created...')
  void session.cleanup().finally(() => process.exit(130))
})

const CASES: Record<number, () => Promise<CaseResult>> = {
  1: () => startupCase(options.runs),
  2: () => buildCase(session, options.runs, options.archs),
  3: () => templateCase(session, options.runs),
  4: () => contextCase(session, options.runs, options.contextFiles),
  5: () => invokeCase(session, options.runs, options.invocations),
  6: () => pushCase(session, options.runs),
  7: () => frontDoorCase(session, options.runs, Math.min(options.invocations, 20)),
  8: () => directCase(session, options.runs),
  9: () => functionsCase(session, options.runs),
}

log(`limg bench ${session.id}: ${options.runs} runs per case; ${describeMachineLine(machine)}`)
const results: CaseResult[] = []
let failed = false
try {
  for (const id of [...options.cases].sort()) {
    log(`case ${id} (${CASE_KEYS[id - 1]})...`)
    const start = process.hrtime.bigint()
    try {
      const result = await CASES[id]()
      results.push({...result, durationMs: elapsedMs(start)})
    } catch (error) {
      if (interrupted) break
      failed = true
      log(`case ${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      results.push({id, key: CASE_KEYS[id - 1], title: CASE_KEYS[id - 1], available: false, note: `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, rows: [], targets: [], durationMs: elapsedMs(start)})
    }
    log(`  ${(elapsedMs(start) / 1000).toFixed(1)} s`)
  }
} finally {
  if (!interrupted) await session.cleanup()
}

const finished = new Date()
const report = {
  runId: session.id,
  startedAt: started.toISOString(),
  finishedAt: finished.toISOString(),
  options: {...options, cases: [...options.cases]},
  machine,
  cases: results.map((r) => ({...r, rows: summarizeRows(r.rows)})),
}
const dir = join(REPO_ROOT, 'bench', 'results')
await mkdir(dir, {recursive: true})
const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`)
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)

console.log(`\nMachine: ${describeMachineLine(machine)}`)
console.log(`Run ${session.id}, ${options.runs} runs per case, ${((finished.getTime() - started.getTime()) / 1000).toFixed(0)} s in all\n`)
console.log(renderTable(results))
console.log(`\nTargets:\n${renderTargets(results)}`)
if (process.env.BENCH_MARKDOWN) console.log(`\n${renderMarkdownTable(results)}`)
console.log(`\nResults: ${file}`)
process.exitCode = failed ? 1 : 0
