import {strict as assert} from 'node:assert'
import {EventEmitter} from 'node:events'
import {PassThrough} from 'node:stream'
import {type EdgeProcess, ProcessEdge} from '../../../src/cli/process-edge.js'
import type {StopSignal} from '../../../src/errors/index.js'

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

function fakeProcess(env: NodeJS.ProcessEnv = {}) {
  const emitter = new EventEmitter()
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const text = {stdout: '', stderr: ''}
  stdout.on('data', (c: Buffer) => (text.stdout += c))
  stderr.on('data', (c: Buffer) => (text.stderr += c))
  const proc = {
    on: (event: string, listener: (...args: never[]) => void) => emitter.on(event, listener as (...args: unknown[]) => void),
    exit: (code: number): never => {
      throw new Exited(code)
    },
    stdout,
    stderr,
    env,
  } satisfies EdgeProcess
  return {proc, emitter, text}
}

function exitCodeOf(fn: () => void): number {
  try {
    fn()
  } catch (error) {
    if (error instanceof Exited) return error.code
    throw error
  }
  assert.fail('expected an exit')
}

describe('ProcessEdge', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`ends the start-up on ${signal} with one line and ${code}`, () => {
      const {proc, emitter, text} = fakeProcess()
      new ProcessEdge(proc, ['build']).install()
      assert.equal(exitCodeOf(() => emitter.emit(signal)), code)
      assert.equal(text.stderr, `Error: Interrupted (${signal}) while limg was starting; nothing had been started.\n`)
    })
  }

  it('answers a start-up signal with a JSON error when --json was asked for', () => {
    const {proc, emitter, text} = fakeProcess()
    new ProcessEdge(proc, ['run', '--json']).install()
    assert.equal(exitCodeOf(() => emitter.emit('SIGTERM')), 143)
    assert.deepEqual(JSON.parse(text.stdout), {error: {code: 'INTERRUPTED', message: 'Interrupted (SIGTERM) while limg was starting; nothing had been started.', exitCode: 143}})
    assert.equal(text.stderr, '')
  })

  it('hands the first signal to the command that claimed them, and exits at once on the second', () => {
    const {proc, emitter, text} = fakeProcess()
    const edge = new ProcessEdge(proc, ['run'])
    edge.install()
    const seen: StopSignal[] = []
    edge.claim((signal) => seen.push(signal))
    emitter.emit('SIGHUP')
    assert.deepEqual(seen, ['SIGHUP'])
    assert.equal(text.stderr, '')
    // The exit code stays the first signal's: that is what ended the command.
    assert.equal(exitCodeOf(() => emitter.emit('SIGINT')), 129)
    assert.match(text.stderr, /^Error: SIGINT again: exited at once, without finishing the cleanup\. `limg stop` removes a function container left running\.\n$/)
  })

  it('prints one line for an error nothing caught, exit 1', () => {
    const {proc, emitter, text} = fakeProcess()
    new ProcessEdge(proc, ['build']).install()
    assert.equal(exitCodeOf(() => emitter.emit('uncaughtException', new TypeError('x is not a function'))), 1)
    assert.equal(text.stderr, 'Error: Unexpected failure: x is not a function Run again with LIMG_DEBUG=1 for the details.\n')
  })

  it('keeps a write to a closed terminal from ending the process', () => {
    const {proc} = fakeProcess()
    new ProcessEdge(proc, ['run']).install()
    // Without a listener an 'error' event throws; this must not.
    proc.stderr.emit('error', Object.assign(new Error('write EIO'), {code: 'EIO'}))
  })
})
