import {strict as assert} from 'node:assert'
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {type ResultPromise, execa} from 'execa'
import {type DockerEngine, createEngine} from '../../../src/engine/docker-engine.js'
import {ensureBaseImage} from '../../support/base-images.js'

const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'bin', 'run.js')
const RUN_ID = `${process.pid}-${randomBytes(3).toString('hex')}`
const GATE = `/tmp/limg-gate-${RUN_ID}`
const NAME = `concurrent-${RUN_ID}`
const TAG = `${NAME}:x86_64`
/** No CA for the builds: nothing in them installs anything. */
const BUILD_ENV = {CI: '1', NODE_EXTRA_CA_CERTS: ''}

/** Resolves with the first line of the child's stderr that `match` accepts. */
function lineOn(child: ResultPromise, match: RegExp, what: string, timeoutMs = 180_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error(`No ${what} within ${timeoutMs} ms; stderr so far:\n${buffered}`)), timeoutMs)
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString()
      const line = buffered.split('\n').find((l) => match.test(l))
      if (line === undefined) return
      clearTimeout(timer)
      child.stderr?.off('data', onData)
      resolvePromise(line)
    }
    child.stderr?.on('data', onData)
    void child.then(() => {
      clearTimeout(timer)
      reject(new Error(`The build exited before printing ${what}:\n${buffered}`))
    })
  })
}

describe('two limg build processes of one project at once (real engine)', function () {
  this.timeout(600_000)
  let engine: DockerEngine
  let dir: string
  const builds: ResultPromise[] = []

  before(async () => {
    engine = await createEngine()
    const base = await ensureBaseImage('nodejs24.x', 'x86_64')
    dir = await mkdtemp(join(tmpdir(), 'limg-concurrent-build-'))
    const files: Record<string, string> = {
      'limg.json': JSON.stringify({name: NAME, runtime: 'nodejs24.x', arch: 'x86_64', template: 'commonjs', handler: 'index.handler', baseImage: base}),
      'package.json': '{"name":"fn","version":"1.0.0","private":true}\n',
      'index.js': 'exports.handler = async () => "ok"\n',
      // The first build stops in a RUN step until the test opens the gate, so the second surely starts while it runs.
      'a.Dockerfile': `FROM ${base}\nLABEL limg.test=${RUN_ID} variant=a\nRUN while [ ! -e ${GATE} ]; do sleep 0.1; done\nCOPY index.js ./\nCMD ["index.handler"]\n`,
      'b.Dockerfile': `FROM ${base}\nLABEL limg.test=${RUN_ID} variant=b\nCOPY index.js ./\nCMD ["index.handler"]\n`,
    }
    for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content)
  })

  after(async () => {
    // A failed run must not leave a build waiting at the gate: open it, and stop the builds.
    if (engine) {
      for (const step of await engine.docker.listContainers({filters: JSON.stringify({status: ['running']})})) {
        if (step.Command.includes(GATE)) await engine.docker.getContainer(step.Id).remove({force: true}).catch(() => undefined)
      }
    }
    for (const build of builds) {
      build.kill('SIGINT')
      await build
    }
    if (engine) {
      // Top-level images only: removing them removes the untagged intermediate images below them.
      const images = await engine.docker.listImages({filters: JSON.stringify({label: [`limg.test=${RUN_ID}`]})})
      for (const image of images) await engine.removeImage(image.Id, {force: true})
    }
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  /** The classic builder's container running the first build's gated RUN step. */
  async function gatedStep(): Promise<string> {
    const deadline = Date.now() + 180_000
    while (Date.now() < deadline) {
      const running = await engine.docker.listContainers({filters: JSON.stringify({status: ['running']})})
      const step = running.find((c) => c.Command.includes(GATE))
      if (step) return step.Id
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('The first build never reached its gated RUN step.')
  }

  it('the second waits for the first and says so; each reports the image the tag named when it finished', async () => {
    const first = execa(process.execPath, [CLI, 'build', '--json', '--dockerfile', 'a.Dockerfile'], {cwd: dir, reject: false, env: BUILD_ENV})
    builds.push(first)
    const step = await gatedStep()
    const second = execa(process.execPath, [CLI, 'build', '--dockerfile', 'b.Dockerfile'], {cwd: dir, reject: false, env: BUILD_ENV})
    builds.push(second)
    const waiting = await lineOn(second, /is running; waiting for it to finish/, 'word that it waits')
    assert.equal(waiting, `Another limg build of ${TAG} (pid ${first.pid}) is running; waiting for it to finish…`)
    // Through the CLI: the API's exec start answers with a stream that, left open, keeps this process alive.
    await execa('docker', ['exec', step, '/bin/sh', '-c', `: > ${GATE}`])

    const [a, b] = await Promise.all([first, second])
    assert.equal(a.exitCode, 0, a.stderr)
    assert.equal(b.exitCode, 0, b.stderr)
    const firstResult = JSON.parse(a.stdout) as {image: string; imageId: string; warnings: string[]}
    assert.equal(firstResult.image, TAG)
    assert.ok(!firstResult.warnings.some((w) => /Another limg build/.test(w)), firstResult.warnings.join('\n'))
    assert.equal(b.stdout.trim(), TAG)
    assert.match(b.stderr, new RegExp(`Warning: Another limg build of ${TAG} \\(pid ${first.pid}\\) was running; this build waited [\\d.]+ s for it, and ${TAG} now names this build's image\\.`))

    // The second built after the first had finished: the tag names its image (variant b), and the
    // first's reported id is the other image, which the tag named until then.
    const named = await engine.inspectImage(TAG)
    assert.equal(named?.labels.variant, 'b')
    const firstImage = await engine.inspectImage(firstResult.imageId)
    assert.equal(firstImage?.labels.variant, 'a')
    assert.notEqual(firstResult.imageId, named?.id)
  })
})
