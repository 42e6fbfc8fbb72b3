import {strict as assert} from 'node:assert'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {createContext} from '../../../src/app/context.js'
import {invoke} from '../../../src/app/invoke.js'
import {type RunOutcome, run} from '../../../src/app/run.js'
import {stop} from '../../../src/app/stop.js'
import {LABEL} from '../../../src/run/labels.js'
import {rawDocker} from '../../support/raw-docker.js'
import {TEST_ENV, makeProject, sweep} from '../run/support/fixture.js'

// Holds each invocation for a second and says which container served it.
const HANDLER = `'use strict'
exports.handler = async () => {
  await new Promise((resolve) => setTimeout(resolve, 1000))
  return {statusCode: 200, body: require('os').hostname()}
}
`

describe('limg run --concurrency: several warm instances', function () {
  this.timeout(240_000)
  let project: {dir: string}
  before(async () => {
    project = await makeProject({code: HANDLER})
  })
  after(sweep)

  it('serves N requests through the front door in parallel, one per instance, each initialised once', async () => {
    const controller = new AbortController()
    const context = createContext({env: TEST_ENV, signal: controller.signal})
    let serving: (running: RunOutcome) => void = () => {}
    const ready = new Promise<RunOutcome>((resolve) => (serving = resolve))
    const reports: string[] = []
    const running = run(context, {dir: project.dir, detach: false, watch: false, build: true, http: 0, concurrency: 3}, (event) => {
      if (event.type === 'serving') serving(event.running)
      if (event.type === 'log' && event.line.text.startsWith('REPORT')) reports.push(event.line.text)
    })
    running.catch(() => undefined)
    const outcome = await ready
    try {
      assert.equal(outcome.instances?.length, 3)
      assert.deepEqual(outcome.instances.map((i) => i.instance), [1, 2, 3])
      const labels = await Promise.all(outcome.instances.map(async (i) => (await rawDocker().getContainer(i.container).inspect()).Config.Labels[LABEL.instance]))
      assert.deepEqual(labels, ['1', '2', '3'])
      const {http} = outcome
      assert.ok(http)
      // Three at once, each on its own instance (which initialises it), then three more on the
      // warm ones: near one second, where one instance would take three.
      const first = await Promise.all([1, 2, 3].map(() => fetch(http.url).then((r) => r.text())))
      assert.equal(new Set(first).size, 3, `three instances served them: ${first.join(', ')}`)
      const started = Date.now()
      const hosts = await Promise.all([1, 2, 3].map(() => fetch(http.url).then((r) => r.text())))
      const wallMs = Date.now() - started
      assert.equal(new Set(hosts).size, 3, `three instances served them: ${hosts.join(', ')}`)
      assert.ok(wallMs < 2000, `three 1 s requests took ${wallMs} ms together`)
      // A fourth beyond the three waits for a free instance.
      const queuedStarted = Date.now()
      await Promise.all([1, 2, 3, 4].map(() => fetch(http.url).then((r) => r.text())))
      assert.ok(Date.now() - queuedStarted >= 2000, 'the fourth waited for a free instance')
      const initialised = reports.filter((line) => line.includes('Init Duration'))
      assert.equal(initialised.length, 3, reports.join('\n'))
    } finally {
      controller.abort()
      await assert.rejects(running)
    }
  })

  it('sends concurrent limg invokes of a detached function to free instances', async () => {
    const context = createContext({env: TEST_ENV})
    const outcome = await run(context, {dir: project.dir, detach: true, watch: false, build: true, concurrency: 2})
    try {
      assert.equal(outcome.instances?.length, 2)
      await writeFile(join(project.dir, 'e.json'), '{}')
      const both = () => Promise.all([1, 2].map(() => invoke(context, {dir: project.dir, event: 'e.json'})))
      const cold = (await both()).map((r) => (r.result.payload as {body: string}).body)
      assert.equal(new Set(cold).size, 2, cold.join(', '))
      const started = Date.now()
      const hosts = (await both()).map((r) => (r.result.payload as {body: string}).body)
      const wallMs = Date.now() - started
      assert.equal(new Set(hosts).size, 2, hosts.join(', '))
      assert.ok(wallMs < 1800, `two warm 1 s invocations took ${wallMs} ms together`)
    } finally {
      const {stopped} = await stop(context, {dir: project.dir})
      assert.equal(stopped.length, 2)
    }
  })
})
