import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'

import {HostTarget} from './host-target.js'
import {request} from './http-client.js'
import {describeRuntimeOutcomes} from './outcomes.js'
import {describeNotCompared, realRie} from './real-rie.js'
import {cjs} from './suite-context.js'

describeRuntimeOutcomes("host processes, limg's emulator", () => new HostTarget())

const hostRie = process.arch === 'x64' ? realRie('x86_64') : undefined
if (hostRie) {
  describeRuntimeOutcomes(`host processes, AWS's emulator (${hostRie})`, () => new HostTarget({realRie: hostRie}), {emulator: 'aws'})
} else {
  describeNotCompared('the outcome suite as host processes', 'x86_64')
}

// A zombie left for a non-reaping PID 1 counts as gone.
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

describe('runtime emulator as a host process', function () {
  this.timeout(30_000)

  it('kills the runtime when it is stopped', async () => {
    const target = new HostTarget()
    await target.start({handler: 'index.handler', files: {'index.js': 'exports.handler = async () => process.pid\n'}})
    try {
      const pid = Number((await request(target.invokeUrl(), {body: '{}'})).body)
      assert.ok(pid > 0)
      assert.equal((await target.stop()).exitCode, 0)
      assert.equal(isRunning(pid), false)
    } finally {
      await target.stop()
    }
  })

  it('answers 502 Runtime.InvalidEntrypoint when the bootstrap cannot be started', async () => {
    const target = new HostTarget({runtimeCommand: ['/nonexistent/bootstrap']})
    await target.start({handler: 'index.handler', files: {}})
    try {
      const answer = await request(target.invokeUrl(), {body: '{}'})
      assert.equal(answer.status, 502)
      assert.match(
        answer.body,
        /^\{"errorType":"Runtime.InvalidEntrypoint","errorMessage":"RequestId: [0-9a-f-]{36} Error: fork\/exec \/nonexistent\/bootstrap: no such file or directory"\}$/,
      )
    } finally {
      await target.stop()
    }
  })

  it("counts what an initialisation takes beyond Lambda's 10 s init phase against the function timeout", async () => {
    const target = new HostTarget()
    await target.start(
      cjs("Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 11500)\nexports.handler = async () => 'ready'\n"),
      {AWS_LAMBDA_FUNCTION_TIMEOUT: '1'},
    )
    try {
      const started = Date.now()
      const answer = await request(target.invokeUrl(), {body: '{}'})
      const elapsed = Date.now() - started
      assert.equal(answer.body, 'Task timed out after 1.00 seconds')
      assert.ok(elapsed >= 11_000, `answered after ${elapsed} ms: the clock starts 10 s into the init`)
      assert.match(target.logs(), /\tDuration: 1000\.00 ms\tBilled Duration: 1000 ms\t/)
    } finally {
      await target.stop()
    }
  })
})
