import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {ensureBaseImage} from '../../test/support/base-images.js'
import {initProject} from '../lib/projects.js'
import {type CaseResult, type Row} from '../lib/report.js'
import {CA_BUNDLE, RUNTIME, type BenchSession} from '../lib/session.js'
import {summarize} from '../lib/stats.js'

// Five chunks 100 ms apart: what streaming buys is the first one at once instead of after 400 ms.
const STREAMING_HANDLER = `export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {statusCode: 200, headers: {'content-type': 'text/plain'}})
  for (let i = 0; i < 5; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100))
    stream.write('chunk ' + i + '\\n')
  }
  stream.end()
})
`
const SLOW_HANDLER = `export const handler = async () => {
  await new Promise((resolve) => setTimeout(resolve, 200))
  return {statusCode: 200, body: 'done'}
}
`
const BURST = 16

async function project(session: BenchSession, root: string, name: string, code: string): Promise<string> {
  const dir = join(root, name)
  await initProject(session, dir, session.projectName(name))
  const configFile = join(dir, 'limg.json')
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>
  await writeFile(configFile, JSON.stringify({...config, baseImage: await ensureBaseImage(RUNTIME, 'x86_64'), caCert: CA_BUNDLE}, null, 2))
  await writeFile(join(dir, 'index.mjs'), code)
  await session.limg(['build', '--json'], dir)
  session.onCleanup(async () => void (await session.limg(['stop', '--json'], dir).catch(() => undefined)))
  return dir
}

async function start(session: BenchSession, dir: string, args: string[]): Promise<string> {
  const run = await session.limg(['run', '--detach', '--json', '--no-build', '--http', '0', ...args], dir)
  return (JSON.parse(run.stdout) as {http: {url: string}}).http.url
}

/** Time to the first body byte, and to the end, of one streamed response. */
async function streamed(url: string): Promise<{firstByteMs: number; totalMs: number}> {
  const started = performance.now()
  const answer = await fetch(url)
  const reader = (answer.body as ReadableStream<Uint8Array>).getReader()
  let firstByteMs = 0
  for (;;) {
    const {done} = await reader.read()
    if (done) break
    if (firstByteMs === 0) firstByteMs = performance.now() - started
  }
  return {firstByteMs, totalMs: performance.now() - started}
}

/**
 * Case 7: the HTTP front door. A streamed response's time to first byte beside its whole
 * time (five chunks 100 ms apart), and how long a burst of 16 requests to a 200 ms handler
 * takes with one warm instance and with four (`--concurrency 4`).
 */
export async function frontDoorCase(session: BenchSession, runs: number, invocations: number): Promise<CaseResult> {
  const root = await session.tempDir('front')
  const streamingDir = await project(session, root, 'stream', STREAMING_HANDLER)
  const url = await start(session, streamingDir, [])
  await streamed(url)
  const firstByte: number[] = []
  const total: number[] = []
  for (let i = 0; i < invocations; i++) {
    const sample = await streamed(url)
    firstByte.push(sample.firstByteMs)
    total.push(sample.totalMs)
  }
  await session.limg(['stop', '--json'], streamingDir)

  const slowDir = await project(session, root, 'slow', SLOW_HANDLER)
  const bursts: Record<number, number[]> = {1: [], 4: []}
  for (const concurrency of [1, 4]) {
    const front = await start(session, slowDir, ['--concurrency', String(concurrency)])
    // Every instance initialised before the clock starts.
    await Promise.all(Array.from({length: concurrency}, () => fetch(front).then((r) => r.text())))
    for (let i = 0; i < runs; i++) {
      const started = performance.now()
      await Promise.all(Array.from({length: BURST}, () => fetch(front).then((r) => r.text())))
      bursts[concurrency].push(performance.now() - started)
    }
    await session.limg(['stop', '--json'], slowDir)
  }
  const rows: Row[] = [
    {measure: 'streamed response (5 chunks, 100 ms apart)', tool: 'time to first byte', unit: 'ms', samples: firstByte, versus: 'whole response'},
    {measure: 'streamed response (5 chunks, 100 ms apart)', tool: 'whole response', unit: 'ms', samples: total},
    {measure: `${BURST} requests at once, 200 ms handler`, tool: 'limg run --concurrency 4', unit: 'ms', samples: bursts[4], versus: 'limg run --concurrency 1'},
    {measure: `${BURST} requests at once, 200 ms handler`, tool: 'limg run --concurrency 1', unit: 'ms', samples: bursts[1]},
  ]
  const perSecond = (samples: number[]): string => ((BURST * 1000) / summarize(samples).median).toFixed(1)
  return {
    id: 7,
    key: 'front',
    title: 'HTTP front door',
    available: true,
    rows,
    targets: [],
    note: `throughput: ${perSecond(bursts[4])} requests/s with --concurrency 4, ${perSecond(bursts[1])} with 1 (a 200 ms handler; ${BURST} requests sent at once through the front door)`,
  }
}
