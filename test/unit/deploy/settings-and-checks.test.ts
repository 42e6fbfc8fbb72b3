import assert from 'node:assert/strict'
import {validateProjectConfig} from '../../../src/config/schema.js'
import {changedSettings, checkEnvironment, deploySettings, missingTags} from '../../../src/deploy/function-settings.js'
import {checkArchitecture, checkImageSize, checkSameRegion, ecrRegionOf} from '../../../src/deploy/image-checks.js'
import {BuildFailedError, InvalidInputError} from '../../../src/errors/index.js'

const BASE = {name: 'fn', runtime: 'nodejs22.x'}

describe('deploy settings from limg.json', () => {
  it('reads role, description, tags and ephemeralStorage, and leaves them out when absent', () => {
    const config = validateProjectConfig({...BASE, role: 'arn:aws:iam::123456789012:role/r', description: 'orders', tags: {team: 'a'}, ephemeralStorage: 2048}, 'limg.json')
    assert.equal(config.role, 'arn:aws:iam::123456789012:role/r')
    assert.deepEqual(deploySettings(config), {memoryMb: 128, timeoutSeconds: 3, environment: {}, ephemeralStorageMb: 2048, description: 'orders'})
    const plain = validateProjectConfig(BASE, 'limg.json')
    assert.equal('tags' in plain || 'role' in plain || 'ephemeralStorage' in plain || 'description' in plain, false)
    assert.equal(deploySettings(plain).ephemeralStorageMb, 512)
  })

  it('refuses what Lambda refuses: ephemeral storage out of range, a long description, tags over its rules', () => {
    assert.throws(() => validateProjectConfig({...BASE, ephemeralStorage: 256}, 'limg.json'), /ephemeralStorage "256": expected a whole number from 512 to 10240/)
    assert.throws(() => validateProjectConfig({...BASE, description: 'x'.repeat(257)}, 'limg.json'), /Lambda allows 256/)
    assert.throws(() => validateProjectConfig({...BASE, tags: {'aws:x': 'y'}}, 'limg.json'), /not start with "aws:"/)
    assert.throws(() => validateProjectConfig({...BASE, tags: {a: 1}}, 'limg.json'), /string value/)
    assert.throws(() => validateProjectConfig({...BASE, tags: Object.fromEntries(Array.from({length: 51}, (_, i) => [`k${i}`, 'v']))}, 'limg.json'), /Lambda allows 50/)
  })

  it('refuses variables Lambda reserves, and more than 4 KB of them, before anything is sent', () => {
    assert.throws(() => checkEnvironment({AWS_REGION: 'x', OK: '1'}), (error: unknown) => error instanceof InvalidInputError && /sets AWS_REGION, which Lambda reserves/.test(error.message))
    assert.throws(() => checkEnvironment({BIG: 'x'.repeat(4100)}), /Lambda allows 4096/)
    checkEnvironment({STAGE: 'prod'})
  })

  it('names the settings that differ, and the tags that are missing or different', () => {
    const current = {role: 'r', memoryMb: 128, timeoutSeconds: 3, environment: {A: '1'}, ephemeralStorageMb: 512, description: ''}
    assert.deepEqual(changedSettings(current, {...current}), [])
    assert.deepEqual(changedSettings(current, {...current, memoryMb: 256, environment: {A: '2'}}), ['memory', 'environment'])
    assert.deepEqual(changedSettings(current, {...current, environment: {}}), ['environment'])
    assert.deepEqual(missingTags({a: '1', b: '2'}, {a: '1', b: '3', c: '4'}), {b: '3', c: '4'})
  })
})

describe('image checks before any call', () => {
  it('refuses an image over 10 GiB uncompressed', () => {
    checkImageSize({sizeBytes: 10 * 1024 ** 3}, 'fn:x86_64')
    assert.throws(() => checkImageSize({sizeBytes: 10 * 1024 ** 3 + 1}, 'fn:x86_64'), (error: unknown) => error instanceof BuildFailedError && /10\.00 GiB uncompressed; Lambda takes container images up to 10 GiB/.test(error.message))
  })

  it('reads the region of an ECR image URI, and refuses one in another region', () => {
    assert.equal(ecrRegionOf('123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn@sha256:1'), 'eu-west-1')
    assert.equal(ecrRegionOf('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/fn:t'), 'cn-north-1')
    assert.equal(ecrRegionOf('127.0.0.1:5000/fn@sha256:1'), undefined)
    checkSameRegion('127.0.0.1:5000/fn@sha256:1', 'eu-west-1')
    assert.throws(() => checkSameRegion('123456789012.dkr.ecr.us-east-1.amazonaws.com/fn:t', 'eu-west-1'), (error: unknown) => error instanceof InvalidInputError && /in us-east-1, but the function is in eu-west-1/.test(error.message) && /--region us-east-1/.test(error.suggestion ?? ''))
  })

  it('refuses an image of another architecture than the function\'s', () => {
    checkArchitecture('arm64', 'arm64', 'x')
    assert.throws(() => checkArchitecture('amd64', 'arm64', 'The image x'), /The image x is for x86_64, but the function is arm64/)
  })
})
