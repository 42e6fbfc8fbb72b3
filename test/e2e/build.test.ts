import {strict as assert} from 'node:assert'
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {ensureBaseImage} from '../support/base-images.js'
import {type CliRun, limg as runLimg} from '../support/cli.js'

const RUN_ID = `${process.pid}-${randomBytes(3).toString('hex')}`


function limg(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runLimg(args, cwd, {env})
}

describe('limg build (e2e)', function () {
  this.timeout(10 * 60_000)
  let root: string
  let dir: string
  let base: string
  const tag = `limg-e2e-${RUN_ID}:x86_64`

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'limg-e2e-build-'))
    dir = join(root, 'fn')
    const init = await limg(['init', dir, '--yes', '--json', '--name', 'e2e-build', '--runtime', 'nodejs24.x', '--template', 'esm'], root)
    assert.equal(init.exitCode, 0, init.stdout)
    base = await ensureBaseImage('nodejs24.x', 'x86_64')
  })
  after(async () => {
    await execa('docker', ['rmi', '-f', tag], {reject: false})
    await rm(root, {recursive: true, force: true})
  })

  it('prints exactly the result object with --json', async () => {
    const run = await limg(['build', '--json', '--base-image', base, '--tag', tag], dir)
    assert.equal(run.exitCode, 0, run.stdout + run.stderr)
    assert.deepEqual(Object.keys(run.json).sort(), ['architecture', 'baseImage', 'builder', 'cachedSteps', 'dockerfile', 'durationMs', 'image', 'imageId', 'install', 'keptOut', 'runtime', 'sizeBytes', 'steps', 'warnings'])
    assert.equal(run.json.image, tag)
    assert.equal(run.json.architecture, 'x86_64')
    assert.equal(run.json.baseImage, base)
    assert.equal(run.json.dockerfile, 'template')
    assert.equal(run.json.runtime, 'nodejs24.x')
    assert.match(String(run.json.imageId), /^sha256:[0-9a-f]{64}$/)
    assert.ok(Number(run.json.steps) > 0)
  })

  it('prints plain progress lines and the image on stdout without --json', async () => {
    const run = await limg(['build', '--base-image', base, '--tag', tag], dir)
    assert.equal(run.exitCode, 0, run.stderr)
    assert.equal(run.stdout.trim(), tag)
    assert.match(run.stderr, /^Step 1\/\d+ /m)
    assert.match(run.stderr, /^ {2}cached$/m)
    assert.match(run.stderr, /Built .* steps, \d+ from cache\./)
    assert.ok(!run.stderr.includes('\u001b'), 'no terminal control codes outside a terminal')
  })

  it('exits 4 with the failing step and its output when a RUN step fails', async () => {
    const failing = join(root, 'Dockerfile.failing')
    await writeFile(failing, `FROM ${base}\nRUN echo "e2e marker output" && false\n`)
    const run = await limg(['build', '--json', '--dockerfile', failing, '--tag', tag], dir)
    assert.equal(run.exitCode, 4, run.stdout)
    const error = run.json.error as {code: string; message: string; details: string[]}
    assert.equal(error.code, 'BUILD_FAILED')
    // The step as the Dockerfile writes it, without the CA limg gives the RUN step.
    assert.match(error.message, /Step \d+\/\d+ \(RUN echo "e2e marker output" && false\) failed/)
    assert.ok(error.details.some((line) => line.includes('e2e marker output')))
  })

  it('keeps the colour codes of a failing step\'s output out of the message and its details, also with --json', async () => {
    const failing = join(root, 'Dockerfile.coloured')
    await writeFile(failing, `FROM ${base}\nRUN printf '\\033[1;31mcoloured failure\\033[0m\\n' && false\n`)
    const json = await limg(['build', '--json', '--dockerfile', failing, '--tag', tag], dir)
    assert.equal(json.exitCode, 4, json.stdout)
    const error = json.json.error as {details: string[]}
    assert.ok(error.details.includes('coloured failure'), JSON.stringify(error.details))
    assert.ok(!json.stdout.includes('\\u001b'), json.stdout)
    const human = await limg(['build', '--dockerfile', failing, '--tag', tag], dir)
    assert.equal(human.exitCode, 4)
    assert.match(human.stderr, /^ {2}\| coloured failure$/m)
    assert.ok(!human.stderr.includes('\u001b'), human.stderr)
  })

  it('exits 3 naming the engine it tried when DOCKER_HOST points at nothing', async () => {
    const socket = join(root, 'no-engine.sock')
    const run = await limg(['build', '--json'], dir, {DOCKER_HOST: `unix://${socket}`})
    assert.equal(run.exitCode, 3, run.stdout)
    const error = run.json.error as {code: string; message: string; suggestion: string}
    assert.equal(error.code, 'ENGINE_UNAVAILABLE')
    assert.ok(error.message.includes(`unix://${socket}`), error.message)
    assert.match(error.suggestion, /dockerd|DOCKER_HOST/)

    const tcp = await limg(['build'], dir, {DOCKER_HOST: 'tcp://127.0.0.1:1'})
    assert.equal(tcp.exitCode, 3)
    assert.match(tcp.stderr, /Cannot reach the Docker engine at tcp:\/\/127\.0\.0\.1:1/)
  })

  it('exits 2 outside a project', async () => {
    const run = await limg(['build', '--json'], root)
    assert.equal(run.exitCode, 2, run.stdout)
  })
})
