import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {ensureBaseImage} from '../../test/support/base-images.js'
import {timed} from '../lib/exec.js'
import {post} from '../lib/http-post.js'
import {initProject} from '../lib/projects.js'
import {type CaseResult, type Row} from '../lib/report.js'
import {CA_BUNDLE, LIMG_BIN, REPO_ROOT, RUNTIME, type BenchSession} from '../lib/session.js'
import {elapsedMs, summarize} from '../lib/stats.js'

const INVOKE_PATH = '/2015-03-31/functions/function/invocations'
const TARGET = 'warm limg invoke at most 1.5x a bare node process making the same POST (median)'
const POST_PROCESS = join(REPO_ROOT, 'bench', 'lib', 'post-process.mjs')

/** Whether this checkout's limg has `run` and `invoke` (they answer --help). */
async function localCommandsExist(session: BenchSession, dir: string): Promise<boolean> {
  try {
    await session.limg(['run', '--help'], dir)
    await session.limg(['invoke', '--help'], dir)
    return true
  } catch {
    return false
  }
}

/**
 * Case 5: `limg run --detach` to the first answer (container start plus the function's cold
 * start), then warm invocations of the same container through `limg invoke`, curl and a
 * node:http client, interleaved.
 */
export async function invokeCase(session: BenchSession, runs: number, invocations: number): Promise<CaseResult> {
  const base: CaseResult = {id: 5, key: 'invoke', title: 'Local invoke', available: false, rows: [], targets: []}
  const root = await session.tempDir('invoke')
  const dir = join(root, 'fn')
  if (!(await localCommandsExist(session, root))) {
    return {...base, note: 'not available: this limg has no `run`/`invoke` command', targets: [{name: TARGET, met: null, detail: 'not available'}]}
  }
  const image = await ensureBaseImage(RUNTIME, 'x86_64')
  await initProject(session, dir, session.projectName('i'))
  const configFile = join(dir, 'limg.json')
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>
  // In limg.json, so that `limg run` (which rebuilds a stale image) builds the same way.
  await writeFile(configFile, JSON.stringify({...config, baseImage: image, caCert: CA_BUNDLE}, null, 2))
  await session.limg(['build', '--json'], dir)
  session.onCleanup(async () => void (await session.limg(['stop', '--json'], dir).catch(() => undefined)))
  const eventFile = join(dir, 'events', 'event.json')
  const event = await readFile(eventFile, 'utf8')

  const firstAnswer: number[] = []
  let url = ''
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    const run = await session.limg(['run', '--detach', '--json', '--no-build'], dir)
    const endpoint = String((JSON.parse(run.stdout) as {endpoint: string}).endpoint)
    url = endpoint.includes(INVOKE_PATH) ? endpoint : `${endpoint.replace(/\/$/, '')}${INVOKE_PATH}`
    const answer = await post(url, event)
    firstAnswer.push(elapsedMs(start))
    if (answer.status !== 200) throw new Error(`first invocation answered ${answer.status}: ${answer.body}`)
    // The last container stays for the warm invocations.
    if (i < runs - 1) await session.limg(['stop', '--json'], dir)
  }

  const port = new URL(url).port
  const clients: Array<{tool: string; invoke: () => Promise<number>}> = [
    {tool: 'node:http', invoke: async () => {
      const start = process.hrtime.bigint()
      const answer = await post(url, event)
      if (answer.status !== 200) throw new Error(`node:http invocation answered ${answer.status}`)
      return elapsedMs(start)
    }},
    {tool: 'curl', invoke: async () => (await timed('curl', ['-sS', '--fail', '-o', '/dev/null', '-H', 'content-type: application/json', '--data-binary', event, url])).ms},
    {tool: 'node process', invoke: async () => (await timed(process.execPath, [POST_PROCESS, url, eventFile])).ms},
    {tool: 'limg invoke', invoke: async () => (await timed(process.execPath, [LIMG_BIN, 'invoke', '--json', '--event', 'events/event.json'], {cwd: dir, env: session.limgEnv()})).ms},
    {tool: 'limg invoke --port', invoke: async () => (await timed(process.execPath, [LIMG_BIN, 'invoke', '--json', '--event', 'events/event.json', '--port', port], {cwd: dir, env: session.limgEnv()})).ms},
  ]
  const samples = clients.map(() => [] as number[])
  for (const client of clients) await client.invoke()
  for (let i = 0; i < invocations; i++) {
    for (const [c, client] of clients.entries()) samples[c].push(await client.invoke())
  }
  const rows: Row[] = [
    {measure: 'run --detach to first answer', tool: 'limg run + node:http', unit: 'ms', samples: firstAnswer},
    ...clients.map((client, c): Row => ({measure: 'warm invocation', tool: client.tool, unit: 'ms', samples: samples[c], ...(client.tool.startsWith('limg') ? {versus: 'node process'} : {}), details: {p99: summarize(samples[c]).p99}})),
  ]
  const p = (tool: string) => summarize(samples[clients.findIndex((c) => c.tool === tool)])
  const limg = p('limg invoke')
  const curl = p('curl')
  const nodeHttp = p('node:http')
  const nodeProcess = p('node process')
  return {
    ...base,
    available: true,
    rows,
    targets: [{
      name: TARGET,
      met: limg.median <= 1.5 * nodeProcess.median,
      detail: `limg invoke ${limg.median.toFixed(0)} ms (p99 ${limg.p99.toFixed(0)}) vs a bare node:http process ${nodeProcess.median.toFixed(0)} ms = ${(limg.median / nodeProcess.median).toFixed(2)}x; curl ${curl.median.toFixed(0)} ms; node:http in-process ${nodeHttp.median.toFixed(1)} ms (p99 ${nodeHttp.p99.toFixed(1)})`,
    }],
    note: 'curl, "node process" (bench/lib/post-process.mjs: node:http, one POST) and limg invoke are processes started per invocation; node:http runs inside the bench process. p99 of each is in the JSON.',
  }
}
