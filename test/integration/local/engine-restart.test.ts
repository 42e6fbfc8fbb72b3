import {strict as assert} from 'node:assert'
import {rm, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {type ResultPromise, execa} from 'execa'
import {connectionFromEnv} from '../../../src/engine/connection.js'
import {type DockerEngine, connectEngine} from '../../../src/engine/docker-engine.js'
import {runBaseBuild} from '../../support/base-images.js'
import {type PrivateEngine, privateEngineUnavailable, startPrivateEngine} from '../../support/private-engine.js'
import {RUN_ID, TEST_LABEL, makeProject} from './support/fixture.js'

const BIN = resolve('bin/run.js')

/** Resolves with the first line on the child's stderr that `match` accepts. */
function lineOn(child: ResultPromise, match: RegExp, what: string, timeoutMs = 180_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`No ${what} within ${timeoutMs} ms; stderr so far:\n${seen}`)), timeoutMs)
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const line = seen.split('\n').find((l) => match.test(l))
      if (line === undefined) return
      clearTimeout(timer)
      resolvePromise(line)
    })
    void child.then(() => {
      clearTimeout(timer)
      reject(new Error(`The process ended before ${what}:\n${seen}`))
    })
  })
}

/** Resolves once the container's log has `times` lines that `match` accepts. */
async function logLines(engine: DockerEngine, container: string, match: RegExp, times: number, timeoutMs = 120_000): Promise<void> {
  const stream = (await engine.docker.getContainer(container).logs({follow: true, stdout: true, stderr: true})) as NodeJS.ReadableStream & {destroy(): void}
  await new Promise<void>((resolvePromise, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`No log line ${match} within ${timeoutMs} ms:\n${seen}`)), timeoutMs)
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if ((seen.match(new RegExp(match.source, 'g')) ?? []).length < times) return
      clearTimeout(timer)
      resolvePromise()
    })
  })
  stream.destroy()
}

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('Error:'))
}

describe('the Docker engine restarting under limg run (a private dockerd, never the shared one)', function () {
  this.timeout(900_000)
  let engine: PrivateEngine | undefined
  let docker: DockerEngine
  let env: NodeJS.ProcessEnv
  let dir: string | undefined
  const children: ResultPromise[] = []
  /** What users saw, printed after the run for the record. */
  const seen: string[] = []

  before(async function () {
    const why = await privateEngineUnavailable()
    if (why) {
      console.log(`      skipped: ${why}`)
      this.skip()
    }
    engine = await startPrivateEngine()
    env = {...process.env, DOCKER_HOST: engine.host, LIMG_LABELS: `${TEST_LABEL}=${RUN_ID}`, CI: '1'}
    docker = await connectEngine(connectionFromEnv(env))
    // limg base build through DOCKER_HOST; its downloads come from the cache the other suites filled.
    const base = (await runBaseBuild(['--runtime', 'nodejs24.x', '--arch', 'x86_64'], env)).result.image
    const project = await makeProject({base: {image: base, arch: 'x86_64'}, config: {timeout: 300}})
    dir = project.dir
    await writeFile(join(dir, 'slow.json'), JSON.stringify({action: 'sleep', ms: 240_000}))
  })

  after(async () => {
    for (const line of seen) console.log(`      ${line}`)
    for (const child of children) child.kill('SIGKILL')
    await Promise.all(children.map((c) => c.catch(() => undefined)))
    // The whole engine goes, with every container and image it had; the shared engine is untouched.
    await engine?.[Symbol.asyncDispose]()
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  function limg(args: string[]) {
    const child = execa('node', [BIN, ...args], {cwd: dir!, reject: false, env, extendEnv: false, stdin: 'ignore'})
    children.push(child)
    return child
  }

  it('a detached function: an invocation in flight says the engine went (exit 12), the next says it restarted (exit 6), limg stop cleans up', async () => {
    const run = await limg(['run', '--detach', '--json'])
    assert.equal(run.exitCode, 0, run.stderr)
    const {container} = JSON.parse(run.stdout) as {container: string}
    assert.equal((await limg(['invoke'])).exitCode, 0)

    const inFlight = limg(['invoke', '--event', 'slow.json'])
    // The second invocation has begun (the first was the check above): the function is sleeping in it.
    await logLines(docker, container, /START RequestId: /, 2)
    await engine!.restart()
    const cut = await inFlight
    assert.equal(cut.exitCode, 12, cut.stderr)
    const said = cut.stderr.split('\n').filter((l) => l.startsWith('(emulator-failure'))
    assert.equal(said.length, 1, cut.stderr)
    seen.push(`invoke in flight, exit ${cut.exitCode}: ${said[0]}`)
    // Whether the engine was still down or already back when limg looked, the line names it.
    assert.match(
      said[0],
      new RegExp(
        `^\\(emulator-failure\\) (The Docker engine at ${engine!.host} stopped answering during the invocation: it is stopping or restarting, which stops the function's container\\. Once it answers again, start the function with \`limg run --detach\`; \`limg stop\` removes the stopped container\\.|The function's container \\S+ is not running: (the Docker engine restarted at .+|the Docker engine stopped it at .+ \\(SIGTERM\\), because the engine is stopping or restarting, or someone ran \`docker stop\`\\. Once the engine answers, start it again with \`limg run --detach\`; \`limg stop\` removes the stopped container\\.))$`,
      ),
    )

    const after = await limg(['invoke'])
    assert.equal(after.exitCode, 6, after.stderr)
    const errors = errorLines(after.stderr)
    assert.equal(errors.length, 1, after.stderr)
    seen.push(`invoke after the restart, exit ${after.exitCode}: ${errors[0]}`)
    assert.match(
      errors[0],
      /^Error: The function's container \S+ is not running: the Docker engine restarted at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, after the function started at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, and a restart stops every container\. Start it again with `limg run --detach`; `limg stop` removes the stopped container\.$/,
    )

    const stop = await limg(['stop', '--json'])
    assert.equal(stop.exitCode, 0, stop.stderr)
    assert.deepEqual((JSON.parse(stop.stdout) as {stopped: string[]}).stopped, [container])
    assert.equal((await docker.docker.listContainers({all: true})).length, 0, 'nothing is left on the engine')
  })

  it('a function in the foreground: limg run ends on one line naming the engine (exit 6), not a crash; limg stop cleans up', async () => {
    const foreground = limg(['run'])
    await lineOn(foreground, /^Ready: /, 'the function ready')
    await engine!.restart()
    const ended = await foreground
    assert.equal(ended.exitCode, 6, ended.stderr)
    const errors = errorLines(ended.stderr)
    assert.equal(errors.length, 1, ended.stderr)
    seen.push(`foreground run, exit ${ended.exitCode}: ${errors[0]}`)
    assert.match(
      errors[0],
      new RegExp(
        `^Error: (The Docker engine at ${engine!.host} stopped answering while the function ran: it is stopping or restarting, which stops the function's container\\. Once it answers again, start the function with \`limg run\`; \`limg stop\` removes what is left of it\\.|The function's container \\S+ is not running: (the Docker engine restarted at .+|the Docker engine stopped it at .+ \\(SIGTERM\\), because the engine is stopping or restarting, or someone ran \`docker stop\`\\.) See its last log lines above; start it again with \`limg run\`\\.)$`,
      ),
    )
    assert.doesNotMatch(ended.stderr, /UnhandledPromiseRejection|^\s+at /m)

    const stop = await limg(['stop', '--json'])
    assert.equal(stop.exitCode, 0, stop.stderr)
    assert.equal((await docker.docker.listContainers({all: true})).length, 0, 'nothing is left on the engine')
  })
})
