import {strict as assert} from 'node:assert'
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {limg} from '../support/cli.js'

const COMMANDS = ['init', 'dockerfile', 'build', 'run', 'invoke', 'stop', 'logs', 'push', 'deploy', 'runtimes', 'base build']

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

  it('prints to a pipe the root help oclif prints, with the version line of the Node.js it runs on', async () => {
    assert.ok(existsSync('dist/root-help.txt'), 'npm run build writes the root help')
    const served = await limg(['--help'], cwd)
    // OCLIF_COLUMNS=80 (a pipe's width) takes oclif's own path.
    const oclif = await limg(['--help'], cwd, {env: {OCLIF_COLUMNS: '80'}})
    assert.equal(served.stdout, oclif.stdout)
    assert.match(served.stdout, new RegExp(`limg/\\S+ ${process.platform}-${process.arch} node-${process.version.replace(/\./g, '\\.')}`))
    assert.equal((await limg([], cwd)).stdout, served.stdout)
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

  it('answers an unknown command in one line, and as one JSON error with --json (exit 2)', async () => {
    const run = await limg(['bogus'], cwd)
    assert.equal(run.exitCode, 2)
    assert.equal(run.stdout, '')
    assert.equal(run.stderr, 'Error: command bogus not found Run `limg --help` for the commands and their flags.')
    const json = await limg(['bogus', '--json'], cwd)
    assert.equal(json.exitCode, 2)
    assert.deepEqual(json.json, {error: {code: 'INVALID_INPUT', message: 'command bogus not found', exitCode: 2, suggestion: 'Run `limg --help` for the commands and their flags.'}})
  })

  it("takes a flag's own check failing as bad input in one line (exit 2), and a --dir that does not exist", async () => {
    const rie = await limg(['base', 'build', '--rie', 'no-such-rie'], cwd)
    assert.equal(rie.exitCode, 2, rie.stderr)
    assert.equal(rie.stderr, 'Error: Parsing --rie No file found at no-such-rie See more help with --help')
    for (const command of ['build', 'run', 'invoke', 'dockerfile', 'push', 'deploy']) {
      const run = await limg([command, '--dir', '/no/such/folder', '--json'], cwd, {input: '{}'})
      assert.equal(run.exitCode, 2, `${command}: ${run.stdout}`)
      assert.match((run.json.error as {message: string}).message, /^The project folder \/no\/such\/folder does not exist\.$/, command)
    }
  })
})
