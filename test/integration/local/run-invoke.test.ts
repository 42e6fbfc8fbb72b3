import {strict as assert} from 'node:assert'
import {containerMemoryBytes} from '../../../src/local/memory.js'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {DockerContainers} from '../../../src/engine/containers.js'
import {LocalRunError} from '../../../src/errors/index.js'
import {invokeLocal, runLocal, stopLocal} from '../../../src/local/run-local.js'
import {LABEL, projectId} from '../../../src/local/labels.js'
import {ensureBaseImage} from '../../support/base-images.js'
import {RUN_ID, TEST_ENV, TEST_LABEL, makeProject, sweep, testEngine} from './support/fixture.js'

async function invoke(dir: string, event: unknown) {
  const file = join(dir, `event-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(file, JSON.stringify(event))
  return invokeLocal({dir, event: file, processEnv: TEST_ENV})
}

describe('limg run + invoke against the real engine', function () {
  this.timeout(180_000)
  after(sweep)

  it('builds first, starts with labels and memory limit, and tells success, error and timeout apart', async () => {
    const project = await makeProject({config: {environment: {A: 'config', B: 'config', C: 'config'}}})
    const envFile = join(project.dir, 'local.env')
    await writeFile(envFile, 'B=file\nC=file\n')
    const running = await runLocal({dir: project.dir, detach: true, watch: false, build: true, env: ['C=flag'], envFile, timeout: 2, memory: 512, processEnv: TEST_ENV})
    try {
      const info = await (await testEngine()).docker.getContainer(running.container).inspect()
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
      const {stopped} = await stopLocal({dir: project.dir, processEnv: TEST_ENV})
      assert.deepEqual(stopped, [running.container])
    }
    assert.equal(await new DockerContainers(await testEngine()).inspect(running.container), undefined)
  })

  it('reports an initialisation error as a function error', async () => {
    const project = await makeProject({code: "'use strict'\nthrow new Error('cannot start')\n"})
    await runLocal({dir: project.dir, detach: true, watch: false, build: true, processEnv: TEST_ENV})
    try {
      const failed = await invoke(project.dir, {})
      assert.equal(failed.result.outcome, 'function-error')
      assert.equal(failed.result.statusCode, 502)
      assert.match(JSON.stringify(failed.result.payload), /cannot start/)
    } finally {
      await stopLocal({dir: project.dir, processEnv: TEST_ENV})
    }
  })

  it('answers as Lambda does when the function outgrows its memory and the kernel kills it', async () => {
    // Touches 1 GiB, far over the 128 MB function plus the emulator's headroom.
    const code = "'use strict'\nexports.handler = async () => { const b = Buffer.alloc(1024 * 1024 * 1024, 1); return b.length }\n"
    const project = await makeProject({code, config: {memory: 128}})
    await runLocal({dir: project.dir, detach: true, watch: false, build: true, processEnv: TEST_ENV})
    try {
      const failed = await invoke(project.dir, {})
      // Lambda's own answer when the kernel kills the runtime: a Runtime.ExitError, a function error.
      assert.equal(failed.result.outcome, 'function-error', JSON.stringify(failed.result))
      assert.match(JSON.stringify(failed.result.payload), /Runtime\.ExitError.*signal: killed/)
    } finally {
      await stopLocal({dir: project.dir, processEnv: TEST_ENV})
    }
  })

  it('refuses a port already in use, leaving nothing running', async () => {
    const project = await makeProject()
    const first = await runLocal({dir: project.dir, detach: true, watch: false, build: true, processEnv: TEST_ENV})
    const other = await makeProject()
    try {
      await assert.rejects(
        runLocal({dir: other.dir, detach: true, watch: false, build: true, port: first.port, processEnv: TEST_ENV}),
        (error: unknown) => error instanceof LocalRunError && error.message.includes(String(first.port)) && /--port/.test(error.suggestion ?? ''),
      )
      const left = await new DockerContainers(await testEngine()).list({[LABEL.project]: projectId(other.dir)})
      assert.deepEqual(left, [])
    } finally {
      await stopLocal({dir: project.dir, processEnv: TEST_ENV})
    }
  })

  it('adds the emulator to an image that has none, in front of its own entrypoint', async () => {
    // The image's entrypoint is the runtime itself, as in an alternative base image.
    const project = await makeProject({dockerfileTail: 'ENTRYPOINT ["/var/runtime/bootstrap"]\nENV _HANDLER=index.handler\nCMD []'})
    const running = await runLocal({dir: project.dir, detach: true, watch: false, build: true, rie: join(process.cwd(), 'base/rie/aws-lambda-rie'), processEnv: TEST_ENV})
    try {
      assert.match(running.image, /^limg-rie:/)
      const ok = await invoke(project.dir, {name: 'rie'})
      assert.equal(ok.result.outcome, 'success')
    } finally {
      await stopLocal({dir: project.dir, processEnv: TEST_ENV})
    }
  })

  it('runs an arm64 function under emulation, limited to its memory', async () => {
    const project = await makeProject({base: {image: await ensureBaseImage('nodejs20.x', 'arm64'), arch: 'arm64'}})
    // Node's first start under qemu takes seconds: a timeout that leaves room for it.
    const running = await runLocal({dir: project.dir, detach: true, watch: false, build: true, memory: 128, timeout: 60, processEnv: TEST_ENV})
    try {
      const info = await (await testEngine()).docker.getImage(project.image).inspect()
      assert.equal(info.Architecture, 'arm64')
      const ok = await invoke(project.dir, {})
      assert.equal(ok.result.outcome, 'success', JSON.stringify(ok.result))
      const payload = ok.result.payload as {arch: string; memoryLimitInMB: string}
      assert.equal(payload.arch, 'arm64')
      assert.equal(String(payload.memoryLimitInMB), '128')
      assert.equal((await (await testEngine()).docker.getContainer(running.container).inspect()).HostConfig.Memory, containerMemoryBytes(128, 'arm64'))
    } finally {
      await stopLocal({dir: project.dir, processEnv: TEST_ENV})
    }
  })
})
