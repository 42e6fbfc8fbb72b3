import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'

import {HostTarget} from './host-target.js'
import {request} from './http-client.js'
import {describeRuntimeOutcomes} from './outcomes.js'

describeRuntimeOutcomes('host processes', () => new HostTarget())

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
})
