import type {CaseResult, Row} from '../lib/report.js'
import {median} from '../lib/report.js'
import {timed} from '../lib/exec.js'
import {LIMG_BIN} from '../lib/session.js'

const TOOLS: Array<{measure: string; tool: string; args: string[]}> = [
  {measure: 'start-up', tool: 'node -e 0', args: ['-e', '0']},
  {measure: 'start-up', tool: 'limg --version', args: [LIMG_BIN, '--version']},
  {measure: 'start-up', tool: 'limg --help', args: [LIMG_BIN, '--help']},
]

/** Case 1: a process start to exit, interleaved so load changes hit every tool alike. */
export async function startupCase(runs: number): Promise<CaseResult> {
  const samples = TOOLS.map(() => [] as number[])
  const repeats = Math.max(10, runs * 5)
  const env = {...process.env, CI: '1', NO_COLOR: '1'}
  for (let i = 0; i < repeats + 1; i++) {
    for (const [t, tool] of TOOLS.entries()) {
      const run = await timed(process.execPath, tool.args, {env})
      // The first round warms the page cache and is not counted.
      if (i > 0) samples[t].push(run.ms)
    }
  }
  const rows: Row[] = TOOLS.map((tool, t) => ({measure: tool.measure, tool: tool.tool, unit: 'ms', samples: samples[t], ...(t > 0 ? {versus: 'node -e 0'} : {})}))
  const node = median(rows, 'start-up', 'node -e 0') ?? Number.NaN
  const version = median(rows, 'start-up', 'limg --version') ?? Number.NaN
  const help = median(rows, 'start-up', 'limg --help') ?? Number.NaN
  return {
    id: 1,
    key: 'startup',
    title: 'Start-up',
    available: true,
    rows,
    targets: [
      {name: '`limg --help` at most 1.5x `node -e 0`', met: help <= 1.5 * node, detail: `${help.toFixed(0)} ms vs ${node.toFixed(0)} ms = ${(help / node).toFixed(2)}x`},
      {name: '`limg --version` at most 1.5x `node -e 0`', met: version <= 1.5 * node, detail: `${version.toFixed(0)} ms vs ${node.toFixed(0)} ms = ${(version / node).toFixed(2)}x`},
    ],
  }
}
