import {strict as assert} from 'node:assert'
import {access, mkdtemp, readFile, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {DownloadCache} from '../../../src/base-image/cache.js'
import {fetchNpmPackage} from '../../../src/base-image/npm-fetch.js'
import {getRuntime} from '../../../src/catalog/runtimes.js'
import {RUN_ID, TEST_LABEL, docker} from './docker-cli.js'

const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'bin', 'run.js')
/** Small downloads: node 16's binary, npm 8 and aws-sdk v2, and Debian's packages for x86_64. */
const RUNTIME = getRuntime('nodejs16.x')
const TAG = `limg-test-disk-full-${RUN_ID}/nodejs:16-x86_64`

/** What each cache entry is called in `limg base build`'s output, and the file its download writes last. */
const ENTRIES: Record<string, {item: string; complete: (dir: string) => Promise<boolean>}> = {
  system: {item: 'Debian libraries, busybox and CA certificates (amd64)', complete: (dir) => exists(join(dir, 'root', 'etc', 'localtime'))},
  node: {item: `node ${RUNTIME.offline.node} (x86_64)`, complete: async (dir) => (await execa(join(dir, 'node'), ['--version'], {reject: false})).stdout === `v${RUNTIME.offline.node}`},
  npm: {item: `npm ${RUNTIME.offline.npm}`, complete: async (dir) => (await packageVersion(join(dir, 'package', 'package.json'))) === RUNTIME.offline.npm},
  sdk: {item: `AWS SDK aws-sdk@${RUNTIME.bundledSdk.version}`, complete: async (dir) => (await packageVersion(join(dir, 'node_modules', 'aws-sdk', 'package.json'))) === RUNTIME.bundledSdk.version},
}

async function packageVersion(file: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as {version?: string}).version
  } catch {
    return undefined
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

/** The cache entries present, as `<kind>/<key>`, each checked to be whole. */
async function entries(cache: string): Promise<string[]> {
  const found: string[] = []
  for (const kind of Object.keys(ENTRIES)) {
    for (const key of await readdir(join(cache, kind)).catch(() => [] as string[])) {
      if (!(await ENTRIES[kind].complete(join(cache, kind, key)))) {
        const empty = (await execa('find', [join(cache, kind, key), '-type', 'f', '-size', '0'])).stdout.split('\n').slice(0, 5)
        assert.fail(`${kind}/${key} is in the cache but not whole; empty files: ${empty.join(', ')}`)
      }
      found.push(kind)
    }
  }
  return found
}

/** The longest one build may take: a hang then fails this test with limg's output, instead of holding the suite. */
const BUILD_LIMIT_MS = 420_000

async function baseBuild(cache: string): Promise<{exitCode?: number; stdout: string; stderr: string}> {
  const result = await execa(process.execPath, [CLI, 'base', 'build', '--runtime', RUNTIME.id, '--arch', 'x86_64', '--tag', TAG], {
    reject: false,
    stdin: 'ignore',
    timeout: BUILD_LIMIT_MS,
    env: {LIMG_CACHE_DIR: cache, LIMG_LABELS: TEST_LABEL, CI: '1'},
  })
  assert.ok(!result.timedOut, `limg base build was still running after ${BUILD_LIMIT_MS / 1000} s:\n${result.stderr}`)
  return result
}

describe('limg base build when the disk fills up (LIMG_CACHE_DIR on a small tmpfs)', function () {
  this.timeout(900_000)
  let cache: string | undefined
  let mounted = false

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log('      skipped: mounting a tmpfs needs root')
      this.skip()
    }
    cache = await mkdtemp(join(tmpdir(), `limg-disk-full-${RUN_ID}-`))
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', cache])
    mounted = true
    // One entry finished before the disk fills, fetched the way limg fetches it; then the disk
    // shrinks to leave a few MB, far less than node's binary needs.
    await fetchNpmPackage(new DownloadCache(cache), RUNTIME.offline.npm)
    await execa('mount', ['-o', 'remount,size=24m', cache])
  })

  after(async () => {
    await docker(['image', 'rm', '--force', TAG], {reject: false})
    // Lazily: a process a failed test left behind must not turn into a second failure here.
    if (mounted && cache) await execa('umount', ['--lazy', cache])
    if (cache) await rm(cache, {recursive: true, force: true})
  })

  it('fails on one line naming the full folder (exit 7), leaves no partial entry, and with room the next build reuses what was complete', async () => {
    const full = await baseBuild(cache!)
    assert.equal(full.exitCode, 7, full.stderr)
    const errors = full.stderr.split('\n').filter((line) => line.startsWith('Error:'))
    assert.equal(errors.length, 1, full.stderr)
    assert.match(errors[0], new RegExp(`^Error: No space left in limg's download cache ${cache} \\(LIMG_CACHE_DIR\\): [\\d.]+ MB free of 24\\.0 MB, while downloading .+\\. Free space there, or point LIMG_CACHE_DIR at a disk with room`))
    assert.ok(!full.stderr.includes('  | '), `no tool output under the error:\n${full.stderr}`)
    assert.equal(full.stderr.trim().split('\n').at(-1), errors[0])

    // Every entry there is whole; nothing half-written is left in the temporary or lock folders.
    const kept = await entries(cache!)
    assert.deepEqual(await readdir(join(cache!, 'tmp')).catch(() => []), [])
    assert.deepEqual(await readdir(join(cache!, 'locks')).catch(() => []), [])
    console.log(`      complete after the failure: ${kept.join(', ')}; the error: ${errors[0]}`)
    assert.ok(kept.includes('npm'), 'the entry complete before the disk filled is still there')

    await execa('mount', ['-o', 'remount,size=2g', cache!])
    const roomy = await baseBuild(cache!)
    assert.equal(roomy.exitCode, 0, roomy.stderr)
    for (const [kind, {item}] of Object.entries(ENTRIES)) {
      const line = roomy.stderr.split('\n').find((l) => l.startsWith(`download  ${item}: `))
      assert.ok(line, `no download line for ${item}:\n${roomy.stderr}`)
      assert.equal(line.endsWith(': cached'), kept.includes(kind), line)
    }
    assert.deepEqual((await entries(cache!)).sort(), Object.keys(ENTRIES).sort())
    const labels = JSON.parse((await docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', TAG])).stdout) as Record<string, string>
    assert.equal(labels['limg.base.runtime'], RUNTIME.id)
    assert.equal(`limg.test=${labels['limg.test']}`, TEST_LABEL)
  })
})
