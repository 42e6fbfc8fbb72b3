import {strict as assert} from 'node:assert'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {limg} from '../support/cli.js'

const DIST = resolve('dist')

/** Every file a module of the bundle loads, statically or on first use, itself included. */
async function reachable(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen
  seen.add(file)
  const text = await readFile(file, 'utf8')
  for (const [, path] of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)"(\.{1,2}\/[^"]+\.js)"/g)) await reachable(join(dirname(file), path!), seen)
  return seen
}

describe('the fast start of invoke, build and push (e2e)', function () {
  this.timeout(120_000)
  let dir: string
  // An engine that is not there: every command line below ends the same way whichever path runs it.
  const env = {DOCKER_HOST: 'unix:///nonexistent/limg-fast-start.sock'}

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-fast-start-'))
    const init = await limg(['init', 'fn', '--yes', '--json'], dir)
    assert.equal(init.exitCode, 0, init.stderr)
  })
  after(async () => rm(dir, {recursive: true, force: true}))

  it('loads none of oclif', async () => {
    for (const command of ['invoke', 'build', 'push']) {
      const files = await reachable(join(DIST, 'fast', `${command}.js`))
      assert.ok(files.size > 5, `only ${files.size} files reached: the import pattern no longer matches the bundle`)
      for (const file of [...files].filter((f) => f.includes('/fast/'))) {
        const text = await readFile(file, 'utf8')
        assert.ok(!text.includes('node_modules/@oclif/core/lib/command.js'), `${file} holds oclif`)
        assert.ok(!text.includes('// src/cli/process-edge.ts'), `${file} holds a copy of the process edge`)
      }
      // The one process edge, bin/run.js's, is shared: no second copy to claim the signals.
      assert.ok(files.has(join(DIST, 'cli', 'process-edge.js')), `${command} does not use dist/cli/process-edge.js`)
    }
    // The oclif side does hold it, so the check above can fail.
    const oclif = await reachable(join(DIST, 'cli', 'oclif.js'))
    assert.ok((await Promise.all([...oclif].map(async (file) => (await readFile(file, 'utf8')).includes('node_modules/@oclif/core/lib/command.js')))).includes(true))
  })

  it('has the commands\' own flags, typed as oclif types them', async () => {
    const specs = JSON.parse(await readFile(join(DIST, 'flag-specs.json'), 'utf8')) as Record<string, Record<string, {kind: string; min?: number; max?: number; options?: string[]; default?: unknown; allowNo?: boolean}>>
    assert.deepEqual(specs.invoke?.port, {kind: 'integer', min: 1, max: 65535, exclusive: ['remote']})
    assert.deepEqual(specs.build?.arch, {kind: 'string', options: ['x86_64', 'arm64']})
    assert.deepEqual(specs.build?.['no-cache'], {kind: 'boolean', default: false})
    assert.deepEqual(specs.push?.['create-repository'], {kind: 'boolean', allowNo: true, default: true})
    assert.equal(specs.push?.jobs?.kind, 'integer')
  })

  const lines: string[][] = [
    ['invoke', '--json'],
    ['invoke'],
    ['invoke', '--port', '9000', '--json'],
    ['invoke', '--dir', '/no/such/folder'],
    ['invoke', '--event', 'missing.json', '--json'],
    ['build', '--json'],
    ['build', '--arch', 'arm64'],
    ['build', '--function', 'a'],
    ['push', '--json', '--no-create-repository'],
    ['push', '--region', 'eu-west-1'],
    // Left to oclif by the fast start: the same either way, trivially, but the exit code and message must still be oclif's.
    ['build', '--arch', 'mips', '--json'],
    ['invoke', '--port', '0'],
  ]
  for (const line of lines) {
    it(`answers \`limg ${line.join(' ')}\` exactly as oclif's path does`, async () => {
      const fast = await limg(line, join(dir, 'fn'), {env})
      const oclif = await limg(line, join(dir, 'fn'), {env: {...env, LIMG_FAST_START: '0'}})
      assert.notEqual(fast.exitCode, 0)
      assert.deepEqual({exitCode: fast.exitCode, stdout: fast.stdout, stderr: fast.stderr}, {exitCode: oclif.exitCode, stdout: oclif.stdout, stderr: oclif.stderr})
    })
  }
})
