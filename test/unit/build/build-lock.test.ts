import {strict as assert} from 'node:assert'
import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {acquireBuildLock} from '../../../src/build/build-lock.js'
import {InterruptedError} from '../../../src/errors/index.js'

describe('the build lock (one build of a tag at a time)', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-unit-build-lock-'))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('a second build of the tag waits for the first, says once who it waits for, then goes', async () => {
    const first = await acquireBuildLock('unix:///e.sock', 'fn:x86_64', {dir})
    const waits: unknown[] = []
    let secondHas = false
    const second = acquireBuildLock('unix:///e.sock', 'fn:x86_64', {dir, pollMs: 5, onWait: (w) => waits.push(w)}).then((release) => {
      secondHas = true
      return release
    })
    // Another tag, or the same tag on another engine, does not wait.
    await (await acquireBuildLock('unix:///e.sock', 'fn:arm64', {dir}))()
    await (await acquireBuildLock('tcp://remote:2375', 'fn:x86_64', {dir}))()
    while (waits.length === 0) await new Promise((r) => setTimeout(r, 5))
    assert.equal(secondHas, false)
    assert.deepEqual(waits, [{pid: process.pid, tag: 'fn:x86_64'}])
    await first()
    await (await second)()
    assert.deepEqual(await readdir(dir), [])
  })

  it('takes over the lock of a build that died', async () => {
    const held = await acquireBuildLock('e', 't', {dir})
    const [file] = await readdir(dir)
    await writeFile(join(dir, file), '999999\nt\n')
    const waits: unknown[] = []
    const release = await acquireBuildLock('e', 't', {dir, isAlive: () => false, onWait: (w) => waits.push(w)})
    assert.deepEqual(waits, [])
    await release()
    // The first holder's release leaves the lock it no longer owns alone.
    await held()
  })

  it('Ctrl-C while waiting stops waiting', async () => {
    const held = await acquireBuildLock('e', 't', {dir})
    const controller = new AbortController()
    const waiting = acquireBuildLock('e', 't', {dir, pollMs: 5, signal: controller.signal, onWait: () => controller.abort(new InterruptedError())})
    await assert.rejects(waiting, (e: unknown) => e instanceof InterruptedError)
    await held()
  })
})
