import {strict as assert} from 'node:assert'
import {mkdtemp, rm} from 'node:fs/promises'
import {type Server, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {poolInvoker} from '../../../src/front/invoker.js'

/** An emulator stand-in that, like AWS's, breaks when a second invocation overlaps the first, and answers its port after `ms`. */
async function emulator(ms: number, release: Promise<void>): Promise<{server: Server; port: number; overlaps: number}> {
  const state = {server: undefined as unknown as Server, port: 0, overlaps: 0}
  let busy = false
  state.server = createServer((req, res) => {
    if (busy) state.overlaps++
    busy = true
    req.resume()
    req.on('end', () => {
      void release.then(() =>
        setTimeout(() => {
          busy = false
          res.end(JSON.stringify({port: state.port}))
        }, ms),
      )
    })
  })
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve))
  state.port = (state.server.address() as AddressInfo).port
  return state
}

describe('the front door\'s pool of instances', () => {
  let lockDir: string
  beforeEach(async () => (lockDir = await mkdtemp(join(tmpdir(), 'limg-pool-'))))
  afterEach(async () => rm(lockDir, {recursive: true, force: true}))

  it('sends requests to free instances, queues the rest, and never overlaps two in one instance', async () => {
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    const a = await emulator(5, gate)
    const b = await emulator(5, gate)
    try {
      const invoke = poolInvoker(() => [{container: 'a', port: a.port}, {container: 'b', port: b.port}], {dir: lockDir})
      const replies = [1, 2, 3, 4, 5].map(() => invoke(Buffer.from('{}')))
      open()
      const ports = (await Promise.all(replies)).map((reply) => ('body' in reply ? (JSON.parse(reply.body) as {port: number}).port : 0))
      assert.equal(ports.filter((p) => p === a.port).length + ports.filter((p) => p === b.port).length, 5)
      assert.ok(ports.includes(a.port) && ports.includes(b.port), 'both instances served')
      assert.equal(a.overlaps + b.overlaps, 0)
    } finally {
      a.server.close()
      b.server.close()
    }
  })

  it('answers an emulator failure while no instance runs yet', async () => {
    const reply = await poolInvoker(() => [])(Buffer.from('{}'))
    assert.deepEqual(reply, {error: 'the function is not running yet'})
  })
})
