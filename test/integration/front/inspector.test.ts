import {strict as assert} from 'node:assert'
import {get} from 'node:http'
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {createContext} from '../../../src/app/context.js'
import {invoke} from '../../../src/app/invoke.js'
import {run} from '../../../src/app/run.js'
import {stop} from '../../../src/app/stop.js'
import {rawDocker} from '../../support/raw-docker.js'
import {TEST_ENV, makeProject, sweep} from '../run/support/fixture.js'

const here = dirname(fileURLToPath(import.meta.url))
const CDP_CLIENT = resolve(here, '../../support/cdp-breakpoint.mjs')
const context = createContext({env: TEST_ENV})

const HANDLER = `'use strict'
exports.handler = async (event) => {
  const doubled = event.n * 2
  return {doubled, timeout: process.env.AWS_LAMBDA_FUNCTION_TIMEOUT}
}
`

type Target = {webSocketDebuggerUrl: string; url: string}

function getJson(url: string): Promise<Target[] | undefined> {
  // node:http, not fetch: the engine's port proxy resets a connection while nothing listens
  // behind it, which left fetch's promise unsettled here.
  return new Promise((done) => {
    const req = get(url, {agent: false, timeout: 2000}, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => done(res.statusCode === 200 ? (JSON.parse(body) as Target[]) : undefined))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => done(undefined))
  })
}

/** The inspector's target list, once the runtime has started and opened it. */
async function targets(listUrl: string, deadline: number): Promise<Target[]> {
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    const list = await getJson(listUrl)
    if (list) return list
    if (Date.now() > deadline) assert.fail(`${listUrl} never answered`)
    await new Promise((r) => setTimeout(r, pause))
  }
}

describe('limg run --inspect-brk: the Node inspector in the container', function () {
  this.timeout(180_000)
  after(sweep)

  it('publishes the inspector on 127.0.0.1, answers /json/list, and stops at a breakpoint set over the DevTools protocol', async () => {
    const project = await makeProject({code: HANDLER, files: {'e.json': '{"n": 21}'}})
    const running = await run(context, {dir: project.dir, detach: true, watch: false, build: true, inspectBrk: 0})
    try {
      assert.ok(running.inspector, 'the inspector is reported')
      assert.equal(running.inspector.remoteRoot, '/var/task')
      assert.equal(running.inspector.localRoot, project.dir)
      const info = await rawDocker().getContainer(running.container).inspect()
      assert.deepEqual(info.HostConfig.PortBindings?.['9229/tcp'], [{HostIp: '127.0.0.1', HostPort: String(running.inspector.port)}])

      // The first invocation starts the runtime, which waits for a debugger at its first line.
      const invoked = invoke(context, {dir: project.dir, event: 'e.json'})
      const [target] = await targets(running.inspector.listUrl, Date.now() + 60_000)
      assert.match(target.webSocketDebuggerUrl, new RegExp(`^ws://127\\.0\\.0\\.1:${running.inspector.port}/`))
      const node = process.versions.node.split('.').map(Number)[0] < 22 ? ['--experimental-websocket'] : []
      const debuggerRun = await execa(process.execPath, [...node, CDP_CLIENT, target.webSocketDebuggerUrl, '/var/task/index\\.js$', '2', 'event.n'], {timeout: 60_000})
      const hit = JSON.parse(debuggerRun.stdout) as {url: string; lineNumber: number; value: unknown}
      assert.deepEqual(hit, {url: 'file:///var/task/index.js', lineNumber: 2, value: 21})
      const report = await invoked
      assert.equal(report.result.outcome, 'success')
      assert.deepEqual(report.result.payload, {doubled: 42, timeout: '900'})
    } finally {
      await stop(context, {dir: project.dir})
    }
  })
})
