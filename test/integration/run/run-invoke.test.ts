import {strict as assert} from 'node:assert'
import {containerMemoryBytes} from '../../../src/run/memory.js'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {LocalRunError} from '../../../src/errors/index.js'
import {createContext} from '../../../src/app/context.js'
import {invoke as invokeUseCase} from '../../../src/app/invoke.js'
import {type RunRequest, run} from '../../../src/app/run.js'
import {stop} from '../../../src/app/stop.js'
import {LABEL, projectId} from '../../../src/run/labels.js'
import {ensureBaseImage} from '../../support/base-images.js'
import {rawDocker} from '../../support/raw-docker.js'
import {RUN_ID, TEST_ENV, TEST_LABEL, makeProject, sweep, testEngine} from './support/fixture.js'

// The use-cases as the commands call them, with the test's labels in the environment.
const context = createContext({env: TEST_ENV})
const runLocal = (request: RunRequest) => run(context, request)
const stopLocal = (request: {dir: string}) => stop(context, request)

async function invoke(dir: string, event: unknown) {
  const file = join(dir, `event-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(file, JSON.stringify(event))
  return invokeUseCase(context, {dir, event: file})
}

describe('limg run + invoke against the real engine', function () {
  this.timeout(180_000)
  after(sweep)

  it('builds first, starts with labels and memory limit, and tells success, error and timeout apart', async () => {
    const project = await makeProject({config: {environment: {A: 'config', B: 'config', C: 'config'}}})
    const envFile = join(project.dir, 'local.env')
    await writeFile(envFile, 'B=file\nC=file\n')
    const running = await runLocal({dir: project.dir, detach: true, watch: false, build: true, env: ['C=flag'], envFile, timeout: 2, memory: 512})
    try {
      const info = await rawDocker().getContainer(running.container).inspect()
      assert.equal(info.Config.Labels[TEST_LABEL], RUN_ID)
      assert.equal(info.Config.Labels[LABEL.limg], 'true')
      assert.equal(info.Config.Labels[LABEL.project], projectId(project.dir))
      assert.equal(info.Config.Labels[LABEL.endpoint], running.endpoint)
      assert.equal(info.HostConfig.Memory, containerMemoryBytes(512, 'x86_64'))
      assert.equal(info.HostConfig.PortBindings?.['8080/tcp']?.[0]?.HostIp, '127.0.0.1')

      const ok = await invoke(project.dir, {name: 'x'})
      assert.equal(ok.result.outcome, 'success')
      const payload = ok.result.payload as {memoryLimitInMB: string; remainingMs: number; env: Record<string, string>; functionName: string}
      assert.equal(String(payload.memoryLimitInMB), '512')
      assert.ok(payload.remainingMs > 1000 && payload.remainingMs <= 2000, `remaining ${payload.remainingMs}`)
      assert.deepEqual(payload.env, {A: 'config', B: 'file', C: 'flag', TIMEOUT: '2'})
      assert.equal(payload.functionName, project.name)
      assert.match(ok.result.requestId ?? '', /^[0-9a-f-]{36}$/)
      const texts = ok.logs.map((l) => l.text)
      assert.ok(texts.some((t) => t.startsWith(`START RequestId: ${ok.result.requestId}`)), texts.join('\n'))
      assert.ok(texts.some((t) => t.includes('handling {"name":"x"}')), texts.join('\n'))
      assert.ok(texts.at(-1)?.startsWith(`REPORT RequestId: ${ok.result.requestId}`), texts.join('\n'))

      const thrown = await invoke(project.dir, {action: 'throw'})
      assert.equal(thrown.result.outcome, 'function-error')
      assert.equal(thrown.result.functionError, 'Unhandled')
      assert.equal((thrown.result.payload as {errorType: string}).errorType, 'TypeError')

      const slow = await invoke(project.dir, {action: 'sleep', ms: 4000})
      assert.equal(slow.result.outcome, 'timeout')
      assert.match(String(slow.result.payload), /^Task timed out after 2\.00 seconds$/)

      // The runtime was killed by the timeout: the next call starts it again and succeeds.
      assert.equal((await invoke(project.dir, {})).result.outcome, 'success')
    } finally {
      const {stopped} = await stopLocal({dir: project.dir})
      assert.deepEqual(stopped, [running.container])
    }
    assert.equal(await (await testEngine()).containers.inspect(running.container), undefined)
  })

  it('reports an initialisation error as a function error', async () => {
    const project = await makeProject({code: "'use strict'\nthrow new Error('cannot start')\n"})
    await runLocal({dir: project.dir, detach: true, watch: false, build: true})
    try {
      const failed = await invoke(project.dir, {})
      assert.equal(failed.result.outcome, 'function-error')
      assert.equal(failed.result.statusCode, 502)
      assert.match(JSON.stringify(failed.result.payload), /cannot start/)
    } finally {
      await stopLocal({dir: project.dir})
    }
  })

  it('answers as Lambda does when the function outgrows its memory and the kernel kills it', async () => {
    // Touches 1 GiB, far over the 128 MB function plus the emulator's headroom.
    const code = "'use strict'\nexports.handler = async () => { const b = Buffer.alloc(1024 * 1024 * 1024, 1); return b.length }\n"
    const project = await makeProject({code, config: {memory: 128}})
    await runLocal({dir: project.dir, detach: true, watch: false, build: true})
    try {
      const failed = await invoke(project.dir, {})
      // Lambda's own answer when the kernel kills the runtime: a Runtime.ExitError, a function error.
      assert.equal(failed.result.outcome, 'function-error', JSON.stringify(failed.result))
      assert.match(JSON.stringify(failed.result.payload), /Runtime\.ExitError.*signal: killed/)
    } finally {
      await stopLocal({dir: project.dir})
    }
  })

  it('refuses a port already in use, leaving nothing running', async () => {
    const project = await makeProject()
    const first = await runLocal({dir: project.dir, detach: true, watch: false, build: true})
    const other = await makeProject()
    try {
      await assert.rejects(
        runLocal({dir: other.dir, detach: true, watch: false, build: true, port: first.port}),
        (error: unknown) => error instanceof LocalRunError && error.message.includes(String(first.port)) && /--port/.test(error.suggestion ?? ''),
      )
      const left = await (await testEngine()).containers.list({[LABEL.project]: projectId(other.dir)})
      assert.deepEqual(left, [])
    } finally {
      await stopLocal({dir: project.dir})
    }
  })

  it('adds the emulator to an image that has none, in front of its own entrypoint', async () => {
    // The image's entrypoint is the runtime itself, as in an alternative base image.
    const project = await makeProject({dockerfileTail: 'ENTRYPOINT ["/var/runtime/bootstrap"]\nENV _HANDLER=index.handler\nCMD []'})
    const running = await runLocal({dir: project.dir, detach: true, watch: false, build: true, rie: join(process.cwd(), 'base/rie/aws-lambda-rie')})
    try {
      assert.match(running.image, /^limg-rie:/)
      const ok = await invoke(project.dir, {name: 'rie'})
      assert.equal(ok.result.outcome, 'success')
    } finally {
      await stopLocal({dir: project.dir})
    }
  })

  it('runs an arm64 function under emulation, limited to its memory', async () => {
    const project = await makeProject({base: {image: await ensureBaseImage('nodejs20.x', 'arm64'), arch: 'arm64'}})
    // Node's first start under qemu takes seconds: a timeout that leaves room for it.
    const running = await runLocal({dir: project.dir, detach: true, watch: false, build: true, memory: 128, timeout: 60})
    try {
      const info = await rawDocker().getImage(project.image).inspect()
      assert.equal(info.Architecture, 'arm64')
      const ok = await invoke(project.dir, {})
      assert.equal(ok.result.outcome, 'success', JSON.stringify(ok.result))
      const payload = ok.result.payload as {arch: string; memoryLimitInMB: string}
      assert.equal(payload.arch, 'arm64')
      assert.equal(String(payload.memoryLimitInMB), '128')
      assert.equal((await rawDocker().getContainer(running.container).inspect()).HostConfig.Memory, containerMemoryBytes(128, 'arm64'))
    } finally {
      await stopLocal({dir: project.dir})
    }
  })
})
