import {strict as assert} from 'node:assert'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {execa} from 'execa'
import {LABEL, projectId} from '../../src/run/labels.js'
import {TEST_ENV, makeProject, sweep, testEngine} from '../integration/run/support/fixture.js'
import {BIN, type CliRun, limg as runLimg} from '../support/cli.js'

const ENV = {...TEST_ENV, CI: '1', NO_COLOR: '1'}

function limg(args: string[], cwd: string, input?: string): Promise<CliRun> {
  return runLimg(args, cwd, {env: ENV, ...(input === undefined ? {} : {input})})
}

async function projectContainers(dir: string) {
  return (await testEngine()).containers.list({[LABEL.project]: projectId(dir)})
}

/** Waits until `text` appears in what a running process wrote. */
async function waitFor(output: () => string, text: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!text.test(output())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}; output so far:\n${output()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('limg run (e2e)', function () {
  this.timeout(180_000)
  after(sweep)

  it('--detach returns {container, endpoint, host, port, image}; stop removes it', async () => {
    const project = await makeProject()
    const started = Date.now()
    const run = await limg(['run', '--detach', '--json'], project.dir)
    assert.equal(run.exitCode, 0, run.stderr)
    const invoke = await limg(['invoke', '--json'], project.dir)
    const firstAnswerMs = Date.now() - started
    assert.equal(invoke.exitCode, 0, invoke.stderr)
    assert.deepEqual(Object.keys(run.json).sort(), ['container', 'endpoint', 'host', 'image', 'name', 'port', 'warnings'])
    assert.equal(run.json.host, '127.0.0.1', 'a local engine publishes on the loopback')
    assert.deepEqual(run.json.warnings, [])
    assert.equal(run.json.image, project.image)
    assert.match(String(run.json.endpoint), new RegExp(`^http://127\\.0\\.0\\.1:${run.json.port}/2015-03-31/functions/function/invocations$`))
    process.stderr.write(`      (limg run --detach, build included, to the first answer: ${firstAnswerMs} ms)\n`)

    const logs = await limg(['logs'], project.dir)
    assert.equal(logs.exitCode, 0, logs.stderr)
    assert.match(logs.stdout, /START RequestId: /)

    const stop = await limg(['stop', '--json'], project.dir)
    assert.deepEqual(stop.json, {stopped: [run.json.container]})
    assert.deepEqual(await projectContainers(project.dir), [])
    const again = await limg(['stop', '--json'], project.dir)
    assert.deepEqual(again.json, {stopped: []})
  })

  it('a port already in use: a clear error naming the port, exit 6, nothing left running', async () => {
    const holder = await makeProject()
    const running = await limg(['run', '--detach', '--json'], holder.dir)
    assert.equal(running.exitCode, 0, running.stderr)
    const port = String(running.json.port)
    const other = await makeProject()
    try {
      const clash = await limg(['run', '--detach', '--port', port], other.dir)
      assert.equal(clash.exitCode, 6, clash.stderr)
      assert.match(clash.stderr, new RegExp(`Port ${port} .*already in use`))
      assert.match(clash.stderr, /--port/)
      assert.deepEqual(await projectContainers(other.dir), [])
    } finally {
      await limg(['stop'], holder.dir)
    }
  })

  it('--env-file naming no file is limg\'s own error (Node never reads the flag), exit 2', async () => {
    const project = await makeProject()
    for (const flag of [['--env-file', 'MISSING.env'], ['--env-file=MISSING.env']]) {
      const run = await limg(['run', '--detach', ...flag], project.dir)
      assert.equal(run.exitCode, 2, run.stderr)
      assert.equal(run.stderr, 'Error: Cannot read the env file MISSING.env: no such file or folder. Check the --env-file path.')
    }
    assert.deepEqual(await projectContainers(project.dir), [])
  })

  it('--no-build without an image says to build, exit 6', async () => {
    const project = await makeProject()
    const run = await limg(['run', '--detach', '--no-build', '--json'], project.dir)
    assert.equal(run.exitCode, 6)
    assert.match(String((run.json.error as {message: string}).message), /no image/)
  })

  it('Ctrl-C in the foreground stops and removes the container, exit 130', async () => {
    const project = await makeProject()
    const child = execa('node', [BIN, 'run'], {cwd: project.dir, reject: false, env: ENV})
    let stderr = ''
    let stdout = ''
    child.stderr?.on('data', (c: Buffer) => (stderr += c))
    child.stdout?.on('data', (c: Buffer) => (stdout += c))
    try {
      await waitFor(() => stderr, /Ready: http:\/\/127\.0\.0\.1:\d+/, 120_000)
      const invoke = await limg(['invoke', '--json'], project.dir)
      assert.equal(invoke.exitCode, 0, invoke.stderr)
      // The foreground streams the function's log.
      await waitFor(() => stdout, /REPORT RequestId: /, 10_000)
      assert.equal((await projectContainers(project.dir)).length, 1)
      child.kill('SIGINT')
      const result = await child
      assert.equal(result.exitCode, 130, stderr)
      assert.match(stderr, /^Error: Interrupted \(SIGINT\); stopped and cleaned up\.$/m)
      assert.deepEqual(await projectContainers(project.dir), [])
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('--watch serves the changed handler after a change', async () => {
    const project = await makeProject()
    const child = execa('node', [BIN, 'run', '--watch'], {cwd: project.dir, reject: false, env: ENV})
    let stderr = ''
    child.stderr?.on('data', (c: Buffer) => (stderr += c))
    try {
      await waitFor(() => stderr, /Ready: /, 120_000)
      const before = await limg(['invoke', '--json'], project.dir)
      assert.equal((before.json.payload as {version: string}).version, 'v1')
      const code = await readFile(join(project.dir, 'index.js'), 'utf8')
      const changedAt = Date.now()
      await writeFile(join(project.dir, 'index.js'), code.replace("version: 'v1'", "version: 'v2'"))
      await waitFor(() => stderr, /Restarted in/, 60_000)
      const after = await limg(['invoke', '--json'], project.dir)
      assert.equal(after.exitCode, 0, after.stderr)
      assert.equal((after.json.payload as {version: string}).version, 'v2')
      process.stderr.write(`      (--watch: change to serving again: ${Date.now() - changedAt} ms)\n`)
      child.kill('SIGINT')
      assert.equal((await child).exitCode, 130)
      assert.deepEqual(await projectContainers(project.dir), [])
    } finally {
      child.kill('SIGKILL')
    }
  })
})
