import {strict as assert} from 'node:assert'
import {TEST_ENV, makeProject, sweep} from '../integration/run/support/fixture.js'
import {type CliRun, limg as runLimg} from '../support/cli.js'

const ENV = {...TEST_ENV, CI: '1', NO_COLOR: '1'}

function limg(args: string[], cwd: string, input?: string): Promise<CliRun> {
  return runLimg(args, cwd, {env: ENV, ...(input === undefined ? {} : {input})})
}

describe('limg invoke (e2e)', function () {
  this.timeout(180_000)
  let dir: string

  before(async () => {
    const project = await makeProject({config: {timeout: 2}})
    dir = project.dir
    const run = await limg(['run', '--detach', '--json'], dir)
    assert.equal(run.exitCode, 0, run.stderr)
  })
  after(async () => {
    if (dir) await limg(['stop'], dir)
    await sweep()
  })

  it('prints the payload on stdout and the invocation\'s log on stderr', async () => {
    const result = await limg(['invoke'], dir)
    assert.equal(result.exitCode, 0, result.stderr)
    assert.deepEqual((JSON.parse(result.stdout) as {event: unknown}).event, {name: 'event-file'})
    assert.match(result.stderr, /^START RequestId: /m)
    assert.match(result.stderr, /INFO\thandling \{"name":"event-file"\}/)
    assert.match(result.stderr, /^REPORT RequestId: /m)
  })

  it('reads the event from stdin with --event -, and --json has the documented shape', async () => {
    const result = await limg(['invoke', '--event', '-', '--json'], dir, '{"name":"stdin"}')
    assert.equal(result.exitCode, 0, result.stderr)
    assert.deepEqual(Object.keys(result.json).sort(), ['durationMs', 'functionError', 'outcome', 'payload', 'requestId', 'statusCode'])
    assert.equal(result.json.outcome, 'success')
    assert.equal(result.json.statusCode, 200)
    assert.equal(result.json.functionError, null)
    assert.deepEqual((result.json.payload as {event: unknown}).event, {name: 'stdin'})
  })

  it('exits 10 for a thrown error and 11 for a timeout', async () => {
    const thrown = await limg(['invoke', '--event', '-', '--json'], dir, '{"action":"throw"}')
    assert.equal(thrown.exitCode, 10, thrown.stdout)
    assert.equal(thrown.json.outcome, 'function-error')
    assert.match(thrown.stderr, /ERROR\tInvoke Error/)
    const timeout = await limg(['invoke', '--event', '-', '--json'], dir, '{"action":"sleep","ms":5000}')
    assert.equal(timeout.exitCode, 11, timeout.stdout)
    assert.equal(timeout.json.outcome, 'timeout')
  })

  it('answers eight concurrent limg invoke processes, one at a time', async () => {
    const results = await Promise.all(Array.from({length: 8}, (_, i) => limg(['invoke', '--event', '-', '--json'], dir, JSON.stringify({i}))))
    results.forEach((result, i) => {
      assert.equal(result.exitCode, 0, result.stderr)
      assert.deepEqual((result.json.payload as {event: unknown}).event, {i})
    })
    assert.equal(new Set(results.map((r) => r.json.requestId)).size, 8)
  })

  it('refuses what Lambda would refuse before sending it: not JSON, over 6 MB (exit 2, one line)', async () => {
    const bad = await limg(['invoke', '--event', '-', '--json'], dir, '{"unclosed": ')
    assert.equal(bad.exitCode, 2, bad.stdout)
    const error = bad.json.error as {code: string; message: string}
    assert.equal(error.code, 'InvalidRequestContentException')
    assert.match(error.message, /^InvalidRequestContentException: Could not parse request body into json: /)
    const human = await limg(['invoke', '--event', '-'], dir, 'not json')
    assert.equal(human.exitCode, 2)
    assert.equal(human.stdout, '')
    // One line, and none of the function's: nothing reached it.
    assert.match(human.stderr, /^Error: InvalidRequestContentException: Could not parse request body into json: [^\n]*\n?$/)
    const big = await limg(['invoke', '--event', '-', '--json'], dir, JSON.stringify({data: 'x'.repeat(6_291_456)}))
    assert.equal(big.exitCode, 2, big.stdout.slice(0, 500))
    assert.equal((big.json.error as {code: string}).code, 'RequestEntityTooLargeException')
    assert.match((big.json.error as {message: string}).message, /Request must be smaller than 6291456 bytes for the InvokeFunction operation/)
  })

  it('sends an empty event as {}, as Lambda does for an invoke without a payload', async () => {
    const result = await limg(['invoke', '--event', '-', '--json'], dir, '')
    assert.equal(result.exitCode, 0, result.stdout)
    assert.deepEqual((result.json.payload as {event: unknown}).event, {})
  })

  it('fails with exit 6 when no function of the project runs', async () => {
    const other = await makeProject()
    const result = await limg(['invoke', '--json'], other.dir)
    assert.equal(result.exitCode, 6)
    assert.match(String((result.json.error as {suggestion: string}).suggestion), /limg run/)
  })
})
