import {strict as assert} from 'node:assert'
import {InvalidInputError} from '../../../src/errors/index.js'
import {
  repositoryFor,
  validateCombination,
  validateName,
  validateProjectConfig,
  validateRepository,
} from '../../../src/config/schema.js'
import {resolveConfig} from '../../../src/config/resolve.js'

const minimal = {name: 'my-fn', runtime: 'nodejs22.x'}

describe('limg.json schema', () => {
  it('fills defaults', () => {
    const config = validateProjectConfig(minimal, 'limg.json')
    assert.deepEqual(config, {
      name: 'my-fn',
      runtime: 'nodejs22.x',
      arch: 'x86_64',
      template: 'commonjs',
      handler: 'index.handler',
      memory: 128,
      timeout: 3,
      environment: {},
      ecr: {repository: 'my-fn', scanOnPush: true, imageTagMutability: 'IMMUTABLE', maxImages: 10},
    })
  })

  it("applies Lambda's function name rule", () => {
    assert.equal(validateName('a'), 'a')
    assert.equal(validateName('A-b_9'.padEnd(64, 'x')), 'A-b_9'.padEnd(64, 'x'))
    for (const bad of ['', 'x'.repeat(65), 'has space', 'dot.name', 'ünï']) {
      assert.throws(() => validateName(bad), InvalidInputError, bad)
    }
  })

  it("applies ECR's repository rule", () => {
    for (const good of ['ab', 'team/my-fn', 'a.b_c-d/e']) assert.equal(validateRepository(good), good)
    for (const bad of ['a', 'Upper', 'trailing/', '-lead', 'x'.repeat(257)]) {
      assert.throws(() => validateRepository(bad), InvalidInputError, bad)
    }
    assert.equal(repositoryFor('My_Function'), 'my-function')
    assert.equal(repositoryFor('X'), 'x-fn')
  })

  it('refuses the esm template on nodejs12.x, naming the runtimes that take it', () => {
    assert.throws(
      () => validateCombination('nodejs12.x', 'esm'),
      (err: InvalidInputError) => /nodejs14\.x/.test(err.suggestion ?? '') && !/nodejs12\.x,/.test(err.suggestion ?? ''),
    )
    validateCombination('nodejs14.x', 'esm')
    validateCombination('nodejs12.x', 'typescript')
  })

  it('rejects out-of-range memory and timeout', () => {
    assert.throws(() => validateProjectConfig({...minimal, memory: 64}, 'limg.json'), /128 to 10240/)
    assert.throws(() => validateProjectConfig({...minimal, timeout: 901}, 'limg.json'), /1 to 900/)
    assert.throws(() => validateProjectConfig({...minimal, environment: {A: 1}}, 'limg.json'), /must be a string/)
  })
})

describe('settings layering', () => {
  const project = validateProjectConfig({...minimal, baseImage: 'from-config', memory: 256}, 'limg.json')

  it('takes limg.json, then LIMG_* variables, then flags', () => {
    assert.equal(resolveConfig(project, {}, {}).baseImage, 'from-config')
    assert.equal(resolveConfig(project, {}, {LIMG_BASE_IMAGE: 'from-env'}).baseImage, 'from-env')
    assert.equal(resolveConfig(project, {baseImage: 'from-flag'}, {LIMG_BASE_IMAGE: 'from-env'}).baseImage, 'from-flag')
    assert.equal(resolveConfig(project, {}, {LIMG_MEMORY: '512'}).memory, 512)
    assert.equal(resolveConfig(project, {memory: 1024}, {LIMG_MEMORY: '512'}).memory, 1024)
    assert.equal(resolveConfig(project, {}, {LIMG_ARCH: 'arm64'}).arch, 'arm64')
  })

  it('validates what the environment brings', () => {
    assert.throws(() => resolveConfig(project, {}, {LIMG_ARCH: 'sparc'}), InvalidInputError)
    assert.throws(() => resolveConfig(project, {}, {LIMG_TIMEOUT: 'soon'}), InvalidInputError)
  })
})
