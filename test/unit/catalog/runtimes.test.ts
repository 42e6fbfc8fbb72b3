import {strict as assert} from 'node:assert'
import {
  RUNTIMES,
  architectureFromDocker,
  awsBaseImage,
  defaultRuntime,
  deprecationWarning,
  getArchitecture,
  getRuntime,
  isDeprecated,
  offlineBaseImage,
} from '../../../src/catalog/runtimes.js'
import {InvalidInputError} from '../../../src/errors/index.js'

describe('runtime catalog', () => {
  it('holds nodejs12.x to nodejs24.x on the right operating systems', () => {
    assert.deepEqual(
      RUNTIMES.map((r) => `${r.id}:${r.os}`),
      [
        'nodejs12.x:Amazon Linux 2',
        'nodejs14.x:Amazon Linux 2',
        'nodejs16.x:Amazon Linux 2',
        'nodejs18.x:Amazon Linux 2',
        'nodejs20.x:Amazon Linux 2023',
        'nodejs22.x:Amazon Linux 2023',
        'nodejs24.x:Amazon Linux 2023',
      ],
    )
  })

  it('uses --only=production where npm 6 lacks --omit=dev', () => {
    for (const runtime of RUNTIMES) {
      const expected = runtime.npmMajor < 7 ? 'npm ci --only=production' : 'npm ci --omit=dev'
      assert.equal(runtime.productionInstall.join(' '), expected, runtime.id)
    }
  })

  it('names AWS base images per architecture', () => {
    assert.equal(awsBaseImage(getRuntime('nodejs20.x'), 'arm64'), 'public.ecr.aws/lambda/nodejs:20-arm64')
    assert.equal(awsBaseImage(getRuntime('nodejs12.x'), 'x86_64'), 'public.ecr.aws/lambda/nodejs:12-x86_64')
    assert.equal(offlineBaseImage(getRuntime('nodejs16.x'), 'arm64'), 'limg-offline/nodejs:16-arm64')
  })

  it('knows ES module support', () => {
    assert.equal(getRuntime('nodejs12.x').esModules, false)
    assert.ok(RUNTIMES.filter((r) => r.id !== 'nodejs12.x').every((r) => r.esModules && r.topLevelAwait))
  })

  it('defaults to the newest runtime not deprecated on the given day', () => {
    assert.equal(defaultRuntime(new Date('2026-11-28T12:00:00Z')).id, 'nodejs24.x')
    assert.equal(defaultRuntime(new Date('2028-05-01T00:00:00Z')).id, 'nodejs24.x', 'all deprecated: still the newest')
    assert.equal(isDeprecated(getRuntime('nodejs20.x'), new Date('2026-04-29T23:00:00Z')), false)
    assert.equal(isDeprecated(getRuntime('nodejs20.x'), new Date('2026-04-30T00:00:00Z')), true)
  })

  it('warns about deprecated runtimes with their dates', () => {
    const now = new Date('2026-11-28T00:00:00Z')
    const warning = deprecationWarning(getRuntime('nodejs16.x'), now)
    assert.ok(warning)
    assert.match(warning, /2024-06-12/)
    assert.match(warning, /2024-07-15/)
    assert.match(warning, /2024-08-15/)
    assert.match(warning, /nodejs24\.x/)
    assert.equal(deprecationWarning(getRuntime('nodejs22.x'), now), undefined)
  })

  it('refuses unknown runtimes and architectures, naming the valid choices', () => {
    assert.throws(() => getRuntime('nodejs19.x'), (err: InvalidInputError) => /nodejs12\.x, .*nodejs24\.x/.test(err.suggestion ?? ''))
    assert.throws(() => getArchitecture('amd64'), (err: InvalidInputError) => /x86_64/.test(err.message) && /x86_64, arm64/.test(err.suggestion ?? ''))
  })

  it('maps image architectures back to Lambda names', () => {
    assert.equal(architectureFromDocker('amd64'), 'x86_64')
    assert.equal(architectureFromDocker('arm64'), 'arm64')
    assert.equal(architectureFromDocker('s390x'), undefined)
  })

  it('has offline pins whose major matches the runtime, arm64 absent only for nodejs12.x', () => {
    for (const runtime of RUNTIMES) {
      assert.equal(Number(runtime.offline.node.split('.')[0]), runtime.major, runtime.id)
      assert.equal(runtime.offline.architectures.includes('arm64'), runtime.id !== 'nodejs12.x', runtime.id)
    }
  })
})
