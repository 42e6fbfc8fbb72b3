import {strict as assert} from 'node:assert'
import {mkdtemp, rm} from 'node:fs/promises'
import {type Server, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough} from 'node:stream'
import type {ContainerEngine, ContainerInfo, RawLogStream} from '../../../src/engine/containers.js'
import {EngineUnavailableError} from '../../../src/errors/index.js'
import {invokeFunction} from '../../../src/local/invoke.js'
import {LABEL, projectId} from '../../../src/local/labels.js'

function frame(text: string): Buffer {
  const body = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = 1
  header.writeUInt32BE(body.length, 4)
  return Buffer.concat([header, body])
}

/** An emulator stand-in that, like AWS's, fails both requests when a second arrives during the first. */
function strictEmulator(log: (line: string) => void): Server {
  let busy = false
  let n = 0
  return createServer((req, res) => {
    if (req.method === 'GET') return void res.writeHead(404).end('404 page not found\n')
    if (busy) {
      req.socket.destroy()
      return
    }
    busy = true
    const id = `req-${++n}`
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      log(`START RequestId: ${id} Version: $LATEST`)
      log(`2024-01-01T00:00:00.000Z\t${id}\tINFO\tgot ${body}`)
      setTimeout(() => {
        busy = false
        res.end(body)
        log(`END RequestId: ${id}`)
        log(`REPORT RequestId: ${id}\tDuration: 1.00 ms\t`)
      }, 15)
    })
  })
}

describe('invoke queue', () => {
  let server: Server
  let lockDir: string
  const streams = new Set<PassThrough>()
  const dir = '/projects/queue-test'

  beforeEach(async () => {
    lockDir = await mkdtemp(join(tmpdir(), 'limg-queue-test-'))
    server = strictEmulator((line) => {
      for (const s of streams) s.write(frame(`${line}\n`))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve))
    await rm(lockDir, {recursive: true, force: true})
  })

  function fakeEngine(afterFailure?: Partial<ContainerInfo>): ContainerEngine {
    const port = (server.address() as AddressInfo).port
    let inspections = 0
    const info: ContainerInfo = {id: 'c0ffee', name: 'fn', image: 'img', labels: {[LABEL.project]: projectId(dir), [LABEL.endpoint]: `http://127.0.0.1:${port}/x`}, running: true, status: 'running', exitCode: 0, hostPort: port, startedAt: '2026-01-02T03:06:00Z'}
    return {
      target: 'fake',
      create: async () => 'x',
      start: async () => {},
      // The first look finds it running; later looks, after the failure, see how it ended.
      inspect: async () => (inspections++ > 0 && afterFailure ? {...info, ...afterFailure} : info),
      list: async () => [{id: info.id, name: info.name, labels: info.labels, running: true, created: 1}],
      stopAndRemove: async () => {},
      imageHasPath: async () => true,
      engineStartedAt: async () => new Date('2026-01-02T03:05:00Z'),
      logs: async () => {
        const stream = new PassThrough()
        streams.add(stream)
        stream.on('close', () => streams.delete(stream))
        return stream as unknown as RawLogStream
      },
    }
  }

  it('sends concurrent invocations one at a time, each with its own log lines', async () => {
    const engine = fakeEngine()
    const reports = await Promise.all(
      Array.from({length: 8}, (_, i) => invokeFunction(engine, {dir, event: Buffer.from(`{"i":${i}}`), lock: {dir: lockDir}, reportWaitMs: 1000})),
    )
    reports.forEach((report, i) => {
      assert.equal(report.result.outcome, 'success')
      assert.deepEqual(report.result.payload, {i})
      assert.ok(report.logs.some((l) => l.text.endsWith(`got {"i":${i}}`)), report.logs.map((l) => l.text).join('\n'))
      assert.match(report.logs.at(-1)?.text ?? '', new RegExp(`^REPORT RequestId: ${report.result.requestId}`))
    })
    assert.equal(new Set(reports.map((r) => r.result.requestId)).size, 8)
  })

  it('an engine that stops answering mid-invocation is named, with what to do', async () => {
    const engine = fakeEngine()
    let looks = 0
    const inspect = engine.inspect.bind(engine)
    engine.inspect = async (id) => {
      // Found running first; then, after the dropped connection, the engine is gone.
      if (looks++ === 0) return inspect(id)
      throw new EngineUnavailableError('Cannot reach the Docker engine at fake (ECONNREFUSED).')
    }
    server.removeAllListeners('request')
    server.on('request', (req) => (req.method === 'GET' ? req.socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n') : req.socket.destroy()))
    const report = await invokeFunction(engine, {dir, event: Buffer.from('{}'), lock: {dir: lockDir}, reportWaitMs: 50})
    assert.equal(report.result.outcome, 'emulator-failure')
    assert.equal(report.result.diagnosis, "The Docker engine at fake stopped answering during the invocation: it is stopping or restarting, which stops the function's container. Once it answers again, start the function with `limg run --detach`; `limg stop` removes the stopped container.")
  })

  it('reports a connection the emulator drops as an emulator failure', async () => {
    const engine = fakeEngine()
    server.removeAllListeners('request')
    server.on('request', (req) => (req.method === 'GET' ? req.socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n') : req.socket.destroy()))
    const report = await invokeFunction(engine, {dir, event: Buffer.from('{}'), lock: {dir: lockDir}, reportWaitMs: 50})
    assert.equal(report.result.outcome, 'emulator-failure')
    assert.equal(report.result.statusCode, null)
  })

  for (const [ended, expected] of [
    [{running: false, oomKilled: true, exitCode: 137}, /ran out of memory and was killed.*exit 137.*--memory/],
    [{running: false, oomKilled: false, exitCode: 2}, /exited with code 2.*docker logs fn.*limg run --detach/],
    [{running: false, oomKilled: false, exitCode: 143, startedAt: '2026-01-02T03:04:05Z'}, /the Docker engine restarted at 2026-01-02 03:05:00 UTC, after the function started at 2026-01-02 03:04:05 UTC/],
  ] as const) {
    it(`says why when the container has died (${expected.source.slice(0, 20)}…)`, async () => {
      const engine = fakeEngine(ended)
      server.removeAllListeners('request')
      server.on('request', (req) => (req.method === 'GET' ? req.socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n') : req.socket.destroy()))
      const report = await invokeFunction(engine, {dir, event: Buffer.from('{}'), lock: {dir: lockDir}, reportWaitMs: 50})
      assert.equal(report.result.outcome, 'emulator-failure')
      assert.match(report.result.diagnosis ?? '', expected)
    })
  }
})
