import {strict as assert} from 'node:assert'
import {readFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {limg} from '../support/cli.js'

const COMMANDS = ['init', 'dockerfile', 'build', 'run', 'invoke', 'stop', 'logs', 'push', 'runtimes', 'base build']

describe('the command line (e2e)', function () {
  this.timeout(120_000)
  const cwd = tmpdir()

  it('answers --version in the format oclif uses, without loading oclif', async () => {
    const {version} = JSON.parse(await readFile('package.json', 'utf8')) as {version: string}
    const run = await limg(['--version'], cwd)
    assert.equal(run.exitCode, 0)
    assert.equal(run.stdout, `limg/${version} ${process.platform}-${process.arch} node-${process.version}`)
  })

  it('lists every command in --help', async () => {
    const run = await limg(['--help'], cwd)
    assert.equal(run.exitCode, 0)
    for (const command of COMMANDS) assert.match(run.stdout, new RegExp(`^\\s+${command.split(' ')[0]}\\b`, 'm'), command)
  })

  for (const command of COMMANDS) {
    it(`gives examples and --json in ${command} --help`, async () => {
      const run = await limg([...command.split(' '), '--help'], cwd)
      assert.equal(run.exitCode, 0, run.stderr)
      assert.match(run.stdout, /^EXAMPLES$/m)
      assert.match(run.stdout, new RegExp(`\\$ limg ${command}`))
      assert.match(run.stdout, /--json/)
    })
  }

  it('turns an unknown flag into exit 2, as one JSON error with --json', async () => {
    const run = await limg(['runtimes', '--json', '--bogus'], cwd)
    assert.equal(run.exitCode, 2)
    const error = (run.json as {error: {code: string; message: string}}).error
    assert.equal(error.code, 'INVALID_INPUT')
    assert.match(error.message, /bogus/)
  })
})
