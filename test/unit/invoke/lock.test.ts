import {strict as assert} from 'node:assert'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {acquireInvokeLock} from '../../../src/invoke/lock.js'

describe('per-container invoke lock', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-lock-test-'))
  })
  afterEach(() => rm(dir, {recursive: true, force: true}))

  it('holds the holder\'s pid and lets exactly one holder in at a time', async () => {
    const order: string[] = []
    const release = await acquireInvokeLock('c1', {dir})
    assert.equal((await readFile(join(dir, 'c1.lock'), 'utf8')).split(' ')[0], String(process.pid))
    const second = acquireInvokeLock('c1', {dir, pollMs: 1}).then((r) => {
      order.push('second')
      return r
    })
    await new Promise((r) => setTimeout(r, 30))
    order.push('first releases')
    await release()
    await (await second)()
    assert.deepEqual(order, ['first releases', 'second'])
  })

  it('takes over a lock whose holder is gone', async () => {
    await writeFile(join(dir, 'c2.lock'), '999999\n')
    const release = await acquireInvokeLock('c2', {dir, isAlive: () => false, waitMs: 1000})
    assert.equal((await readFile(join(dir, 'c2.lock'), 'utf8')).split(' ')[0], String(process.pid))
    await release()
  })

  it('waits for a live holder, and gives up after the bound with a clear error', async () => {
    await writeFile(join(dir, 'c3.lock'), '12345\n')
    await assert.rejects(acquireInvokeLock('c3', {dir, isAlive: () => true, waitMs: 50, pollMs: 5}), /pid 12345/)
  })

  it('keeps different containers independent', async () => {
    const a = await acquireInvokeLock('a', {dir})
    const b = await acquireInvokeLock('b', {dir, waitMs: 100})
    await a()
    await b()
  })
})
