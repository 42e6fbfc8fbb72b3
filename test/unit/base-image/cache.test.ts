import {strict as assert} from 'node:assert'
import {mkdir, mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DownloadCache} from '../../../src/base-image/cache.js'
import {cacheRoot} from '../../../src/util/cache-root.js'

describe('cacheRoot', () => {
  it('takes LIMG_CACHE_DIR first, then XDG_CACHE_HOME, then ~/.cache', () => {
    assert.equal(cacheRoot({LIMG_CACHE_DIR: '/c/limg', XDG_CACHE_HOME: '/x'}, '/home/u'), '/c/limg')
    assert.equal(cacheRoot({XDG_CACHE_HOME: '/x'}, '/home/u'), '/x/limg')
    assert.equal(cacheRoot({LIMG_CACHE_DIR: '  ', XDG_CACHE_HOME: ''}, '/home/u'), '/home/u/.cache/limg')
  })
})

describe('DownloadCache', () => {
  let root: string

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'limg-unit-cache-'))
  })

  afterEach(async () => {
    await rm(root, {recursive: true, force: true})
  })

  it('produces an entry once and then reuses it', async () => {
    const cache = new DownloadCache(root)
    let produced = 0
    const produce = async (temp: string) => {
      produced += 1
      await writeFile(join(temp, 'file'), 'content')
    }
    const first = await cache.ensure('node/a', produce)
    const second = await cache.ensure('node/a', produce)
    assert.deepEqual([first.cached, second.cached, produced], [false, true, 1])
    assert.equal(await readFile(join(first.dir, 'file'), 'utf8'), 'content')
  })

  it('leaves no entry and no temporary folder behind when producing fails', async () => {
    const cache = new DownloadCache(root)
    await assert.rejects(
      cache.ensure('node/b', async (temp) => {
        await writeFile(join(temp, 'half'), 'half a download')
        throw new Error('connection reset')
      }),
      /connection reset/,
    )
    assert.deepEqual(await readdir(join(root, 'tmp')), [])
    await assert.rejects(readdir(join(root, 'node', 'b')), {code: 'ENOENT'})
    const retry = await cache.ensure('node/b', async (temp) => writeFile(join(temp, 'whole'), 'ok'))
    assert.deepEqual(await readdir(retry.dir), ['whole'])
  })

  it('lets concurrent processes fetch the same entry once', async () => {
    let produced = 0
    const produce = async (temp: string) => {
      produced += 1
      await new Promise((r) => setTimeout(r, 100))
      await writeFile(join(temp, 'file'), 'x')
    }
    const results = await Promise.all([new DownloadCache(root).ensure('sdk/c', produce), new DownloadCache(root).ensure('sdk/c', produce)])
    assert.equal(produced, 1)
    assert.deepEqual(results.map((r) => r.cached).sort(), [false, true])
  })

  it('takes over a lock whose owner is gone, and sweeps its temporary folder', async () => {
    await mkdir(join(root, 'locks'), {recursive: true})
    // No process has pid 2^22 + 1 (above Linux's pid_max default).
    await writeFile(join(root, 'locks', 'npm_d.lock'), '4194305 dead')
    await mkdir(join(root, 'tmp', '4194305-abc'), {recursive: true})
    const entry = await new DownloadCache(root).ensure('npm/d', async (temp) => writeFile(join(temp, 'f'), 'x'))
    assert.equal(entry.cached, false)
    assert.deepEqual(await readdir(join(root, 'tmp')), [])
  })

  it('stops waiting for a lock when aborted', async () => {
    await mkdir(join(root, 'locks'), {recursive: true})
    await writeFile(join(root, 'locks', 'npm_e.lock'), `${process.pid} alive`)
    const controller = new AbortController()
    const waiting = new DownloadCache(root).ensure('npm/e', async () => {}, controller.signal)
    setTimeout(() => controller.abort(new Error('interrupted')), 50)
    await assert.rejects(waiting, /interrupted/)
  })
})
