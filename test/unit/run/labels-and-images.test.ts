import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'
import {mkdtemp, mkdir, rm, utimes, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {renderRieDockerfile, rieFileName} from '../../../src/run/emulator-image.js'
import {packagePath} from '../../../src/util/package-files.js'
import {endpointPort} from '../../../src/run/find.js'
import {extraLabels, projectId} from '../../../src/run/labels.js'
import {isPortInUse} from '../../../src/run/ports.js'
import {projectImageTag} from '../../../src/config/image-tag.js'
import {imageFreshness} from '../../../src/run/project-image.js'
import {newestSourceMtime} from '../../../src/run/sources.js'
import type {ImageInfo} from '../../../src/docker/images.js'

describe('local run helpers', () => {
  it('project ids are stable per folder and differ between folders', () => {
    assert.equal(projectId('/a/b'), projectId('/a/b/'))
    assert.notEqual(projectId('/a/b'), projectId('/a/c'))
    assert.match(projectId('/a'), /^[0-9a-f]{16}$/)
  })

  it('LIMG_LABELS adds labels but may not replace limg\'s own', () => {
    assert.deepEqual(extraLabels({LIMG_LABELS: 'limg.test=r1, team=x'}), {'limg.test': 'r1', team: 'x'})
    assert.deepEqual(extraLabels({}), {})
    assert.throws(() => extraLabels({LIMG_LABELS: 'limg.project=x'}), /limg sets itself/)
  })

  it('the emulator goes in front of the image\'s entrypoint, and its CMD is written out again', () => {
    const template = readFileSync(packagePath('templates', 'local', 'rie.Dockerfile'), 'utf8')
    const text = renderRieDockerfile(template, 'my:img', {entrypoint: ['/usr/local/bin/npx', 'aws-lambda-ric'], cmd: ['app.handler']})
    assert.deepEqual(text.split('\n'), [
      'FROM my:img',
      'COPY aws-lambda-rie /var/rapid/aws-lambda-rie',
      'ENTRYPOINT ["/var/rapid/aws-lambda-rie","/usr/local/bin/npx","aws-lambda-ric"]',
      'CMD ["app.handler"]',
      'LABEL limg.rie.base="my:img"',
      '',
    ])
    assert.equal(rieFileName('arm64'), 'aws-lambda-rie-arm64')
    assert.equal(rieFileName('x86_64'), 'aws-lambda-rie')
  })

  it('reads the port from an endpoint label', () => {
    assert.equal(endpointPort('http://127.0.0.1:9000/2015-03-31/functions/function/invocations'), 9000)
    assert.equal(endpointPort('nonsense'), undefined)
    assert.equal(endpointPort(undefined), undefined)
  })

  it('recognises the engine\'s "port in use" errors', () => {
    assert.ok(isPortInUse({json: {message: 'driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:9000 failed: port is already allocated'}}))
    assert.ok(isPortInUse(new Error('Error starting userland proxy: listen tcp4 127.0.0.1:9000: bind: address already in use')))
    assert.ok(!isPortInUse(new Error('no such image')))
  })

  it('names the image as limg build tags it', () => {
    assert.equal(projectImageTag('My_Fn', 'arm64'), 'my_fn:arm64')
  })

  describe('staleness', () => {
    let dir: string
    const env = {LIMG_CACHE_DIR: ''}
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'limg-stale-test-'))
      env.LIMG_CACHE_DIR = join(dir, '.cache-outside')
      await mkdir(join(dir, 'src'))
      await mkdir(join(dir, 'ignored'))
      await writeFile(join(dir, '.dockerignore'), 'ignored/\n*.log\n.cache-outside\n')
      await writeFile(join(dir, 'src', 'index.js'), 'x')
      await writeFile(join(dir, 'ignored', 'big.bin'), 'x')
      await writeFile(join(dir, 'debug.log'), 'x')
    })
    afterEach(() => rm(dir, {recursive: true, force: true}))

    const at = (ms: number) => new Date(ms)
    const image = (created: number) => ({id: 'sha256:1', created: new Date(created).toISOString()}) as ImageInfo

    it('the newest time counts only files .dockerignore lets into the context', async () => {
      await utimes(join(dir, 'src', 'index.js'), at(1_000_000), at(1_000_000))
      await utimes(join(dir, '.dockerignore'), at(1_000_000), at(1_000_000))
      await utimes(join(dir, 'ignored', 'big.bin'), at(9_000_000), at(9_000_000))
      await utimes(join(dir, 'debug.log'), at(9_000_000), at(9_000_000))
      assert.equal(await newestSourceMtime(dir), 1_000_000)
    })

    it('missing, older than the sources, or fresh', async () => {
      await utimes(join(dir, 'src', 'index.js'), at(5_000_000), at(5_000_000))
      assert.deepEqual(await imageFreshness(dir, undefined, env), {stale: true, reason: 'missing'})
      assert.deepEqual(await imageFreshness(dir, image(4_000_000), env), {stale: true, reason: 'sources-changed'})
      await utimes(join(dir, '.dockerignore'), at(1), at(1))
      await utimes(join(dir, 'debug.log'), at(1), at(1))
      await utimes(join(dir, 'ignored', 'big.bin'), at(1), at(1))
      assert.deepEqual(await imageFreshness(dir, image(6_000_000), env), {stale: false})
    })
  })
})
