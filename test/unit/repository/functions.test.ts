import {strict as assert} from 'node:assert'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createContext} from '../../../src/app/context.js'
import {type FunctionsEvent, findRepository, forEachFunction, functionsExitCode} from '../../../src/app/functions.js'
import {BuildFailedError, EngineUnavailableError, InvalidInputError} from '../../../src/errors/index.js'
import {FakeContainers} from '../../support/fakes/containers.js'
import {FakeImages} from '../../support/fakes/images.js'

describe('one command for each function of a repository', () => {
  let root = ''
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'limg-functions-'))
    await writeFile(join(root, 'limg.json'), JSON.stringify({functions: ['fns/*']}))
    for (const name of ['a', 'b', 'c']) {
      await mkdir(join(root, 'fns', name), {recursive: true})
      await writeFile(join(root, 'fns', name, 'limg.json'), JSON.stringify({name, runtime: 'nodejs22.x'}))
    }
  })
  afterEach(() => rm(root, {recursive: true, force: true}))

  it('gathers every outcome, a failure beside the successes, with warnings naming their function', async () => {
    const warnings: string[] = []
    const events: Array<FunctionsEvent<string, string>> = []
    const context = createContext({env: {}, warn: (m) => warnings.push(m), clients: {docker: async () => ({target: 'fake', images: new FakeImages(), containers: new FakeContainers(), ping: async () => {}})}})
    const repository = (await findRepository(root))!
    const result = await forEachFunction<string, string>(context, repository, {functions: [], jobs: 2}, {
      async run(fn, fnContext, onEvent) {
        onEvent(`working on ${fn.name}`)
        fnContext.warn('odd')
        if (fn.name === 'b') throw new BuildFailedError('b does not build', 'Fix b.', {details: ['step 3 failed']})
        return `${fn.name} done`
      },
    }, (event) => events.push(event))
    assert.deepEqual(result.functions.map((f) => [f.name, f.ok]), [['a', true], ['b', false], ['c', true]])
    assert.equal(result.succeeded, 2)
    assert.equal(result.failed, 1)
    assert.equal(result.jobs, 2)
    const failed = result.functions[1]!
    assert.ok(!failed.ok)
    assert.deepEqual(failed.error, {code: 'BUILD_FAILED', message: 'b does not build', exitCode: 4, suggestion: 'Fix b.', details: ['step 3 failed']})
    assert.deepEqual(warnings.sort(), ['a: odd', 'b: odd', 'c: odd'])
    assert.deepEqual(events[0], {type: 'plan', jobs: 2, source: 'limg.json', functions: [{name: 'a', path: 'fns/a'}, {name: 'b', path: 'fns/b'}, {name: 'c', path: 'fns/c'}]})
    assert.equal(events.filter((e) => e.type === 'done').length, 3)
    assert.equal(functionsExitCode(result), 8)
  })

  it('says which function waits for which when they share a key, and builds only those --function names', async () => {
    const events: Array<FunctionsEvent<string, string>> = []
    const repository = (await findRepository(root))!
    const result = await forEachFunction<string, string>(createContext({env: {}}), repository, {functions: ['c', 'fns/a']}, {
      run: async (fn) => fn.name,
      shareKey: async () => 'same',
    }, (event) => events.push(event))
    assert.deepEqual(result.functions.map((f) => f.name), ['a', 'c'])
    assert.deepEqual(events[0], {type: 'plan', jobs: result.jobs, source: 'limg.json', functions: [{name: 'a', path: 'fns/a'}, {name: 'c', path: 'fns/c', waitsFor: 'a'}]})
    assert.equal(functionsExitCode(result), 0)
  })

  it('exits with the failure\'s own code when every function failed alike, and refuses a --jobs of 0', async () => {
    const repository = (await findRepository(root))!
    const down = await forEachFunction(createContext({env: {}}), repository, {functions: []}, {run: async () => Promise.reject(new EngineUnavailableError('no engine'))})
    assert.equal(functionsExitCode(down), 3)
    const mixed = await forEachFunction(createContext({env: {}}), repository, {functions: []}, {
      run: async (fn) => Promise.reject(fn.name === 'a' ? new InvalidInputError('bad') : new Error('boom')),
    })
    assert.equal(functionsExitCode(mixed), 8)
    assert.equal(mixed.functions[1]!.ok ? undefined : mixed.functions[1]!.error.code, 'UNEXPECTED')
    await assert.rejects(forEachFunction(createContext({env: {}}), repository, {functions: [], jobs: 0}, {run: async () => 'x'}), /--jobs must be a whole number/)
  })

  it('pulls a base image once however many functions ask for it at the same moment', async () => {
    const images = new FakeImages()
    const context = createContext({env: {}, clients: {docker: async () => ({target: 'fake', images, containers: new FakeContainers(), ping: async () => {}})}})
    const repository = (await findRepository(root))!
    await forEachFunction(context, repository, {functions: [], jobs: 3}, {
      run: async (_fn, fnContext) => (await fnContext.docker()).images.pull('base:1', 'linux/amd64'),
    })
    assert.deepEqual(images.pulls, ['base:1'])
  })
})
