import {strict as assert} from 'node:assert'
import type {ContainerEngine, ContainerInfo, ContainerSummary} from '../../../src/engine/containers.js'
import {LocalRunError} from '../../../src/errors/index.js'
import {projectContainer} from '../../../src/local/find.js'
import {LABEL, projectLabels} from '../../../src/local/labels.js'

const DIR = '/work/fn'

function engineWith(container: Partial<ContainerInfo>, engineStartedAt?: Date, killSignal?: number): ContainerEngine {
  const info: ContainerInfo = {id: 'c0ffee00c0ffee', name: 'limg-fn-1', image: 'fn:x86_64', labels: {...projectLabels(DIR), [LABEL.role]: 'function'}, running: false, status: 'exited', exitCode: 0, startedAt: '2026-01-02T03:04:05Z', finishedAt: '2026-01-02T03:10:00Z', ...container}
  const row: ContainerSummary = {id: info.id, name: info.name, labels: info.labels, running: info.running, created: 1}
  return {
    target: 'unix:///var/run/docker.sock',
    create: async () => 'x',
    start: async () => {},
    inspect: async () => info,
    list: async () => [row],
    stopAndRemove: async () => {},
    logs: async () => {
      throw new Error('not used')
    },
    imageHasPath: async () => true,
    ...(engineStartedAt ? {engineStartedAt: async () => engineStartedAt} : {}),
    ...(killSignal ? {lastKillSignal: async () => killSignal} : {}),
  }
}

async function refusal(engine: ContainerEngine): Promise<LocalRunError> {
  try {
    await projectContainer(engine, DIR)
  } catch (error) {
    assert.ok(error instanceof LocalRunError)
    return error
  }
  assert.fail('expected a LocalRunError')
}

describe('a function container that stopped without limg stop', () => {
  it('stopped by an engine restart: names the restart and what to do (exit 6)', async () => {
    const error = await refusal(engineWith({exitCode: 143}, new Date('2026-01-02T03:10:02Z')))
    assert.equal(error.exitCode, 6)
    assert.equal(error.message, "The function's container limg-fn-1 is not running: the Docker engine restarted at 2026-01-02 03:10:02 UTC, after the function started at 2026-01-02 03:04:05 UTC, and a restart stops every container.")
    assert.equal(error.suggestion, 'Start it again with `limg run --detach`; `limg stop` removes the stopped container.')
  })

  it('stopped by the engine with a signal (docker stop, or the engine stopping): says so', async () => {
    const error = await refusal(engineWith({exitCode: 0}, new Date('2026-01-02T03:00:00Z'), 15))
    assert.equal(error.message, "The function's container limg-fn-1 is not running: the Docker engine stopped it at 2026-01-02 03:10:00 UTC (SIGTERM), because the engine is stopping or restarting, or someone ran `docker stop`.")
    assert.equal(error.suggestion, 'Once the engine answers, start it again with `limg run --detach`; `limg stop` removes the stopped container.')
  })

  it('exited on its own, or killed for memory: says so, and where its output is', async () => {
    const exited = await refusal(engineWith({exitCode: 2}, new Date('2026-01-02T03:00:00Z')))
    assert.equal(exited.message, "The function's container limg-fn-1 is not running: it exited with code 2 at 2026-01-02 03:10:00 UTC.")
    assert.match(exited.suggestion ?? '', /^See its output with `docker logs limg-fn-1`\. Start it again with `limg run --detach`/)
    const oom = await refusal(engineWith({exitCode: 137, oomKilled: true}))
    assert.match(oom.message, /ran out of memory and was killed at 2026-01-02 03:10:00 UTC \(exit 137\)/)
    assert.match(oom.suggestion ?? '', /^Raise --memory/)
  })

  it('no container at all: as before, how to start one', async () => {
    const engine = {...engineWith({}), list: async () => []}
    assert.match((await refusal(engine)).message, /^No function of this project \(\/work\/fn\) is running\.$/)
  })
})
