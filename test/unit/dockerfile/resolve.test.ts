import {strict as assert} from 'node:assert'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {validateProjectConfig} from '../../../src/config/schema.js'
import {declaresBaseImageArg, locateHandler, resolveDockerfile} from '../../../src/dockerfile/index.js'
import {InvalidInputError} from '../../../src/errors/index.js'

describe('resolveDockerfile', () => {
  let dir: string
  const config = validateProjectConfig({name: 'fn', runtime: 'nodejs20.x', arch: 'arm64', template: 'commonjs'}, 'limg.json')

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-resolve-'))
    await writeFile(join(dir, 'package.json'), '{}')
    await writeFile(join(dir, 'package-lock.json'), '{}')
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('renders the template when the project has no Dockerfile', async () => {
    const result = await resolveDockerfile(dir, config, {caCertContextPath: 'ca.pem'})
    assert.equal(result.source, 'template')
    assert.equal(result.path, undefined)
    assert.equal(result.baseImage, 'public.ecr.aws/lambda/nodejs:20-arm64')
    assert.deepEqual(result.buildArgs, {BASE_IMAGE: 'public.ecr.aws/lambda/nodejs:20-arm64'})
    assert.match(result.text, /COPY ca\.pem \/tmp\/limg-extra-ca\.pem/)
    assert.equal(result.declaresBaseImageArg, true)
  })

  it("uses the config's base image", async () => {
    const result = await resolveDockerfile(dir, {...config, baseImage: 'limg-offline/nodejs:20-arm64'})
    assert.equal(result.text.split('\n')[0], 'ARG BASE_IMAGE=limg-offline/nodejs:20-arm64')
  })

  it("uses the project's own Dockerfile as it is, CA or not", async () => {
    const own = 'FROM scratch\nCOPY . /\n'
    await writeFile(join(dir, 'Dockerfile'), own)
    const result = await resolveDockerfile(dir, config, {caCertContextPath: 'ca.pem'})
    assert.deepEqual({text: result.text, source: result.source, path: result.path, declares: result.declaresBaseImageArg}, {text: own, source: 'project', path: join(dir, 'Dockerfile'), declares: false})
  })

  it('refuses an empty Dockerfile, or one without FROM, before the engine sees it (input, exit 2)', async () => {
    await writeFile(join(dir, 'Dockerfile'), '')
    await assert.rejects(resolveDockerfile(dir, config), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.message, /Dockerfile has no FROM instruction \(it is empty\)/)
      assert.match(error.suggestion ?? '', /limg dockerfile --write --force/)
      return true
    })
    await writeFile(join(dir, 'Dockerfile'), '# only a comment\nRUN true\n')
    await assert.rejects(resolveDockerfile(dir, config), /has no FROM instruction, so there is nothing to build/)
  })

  it('uses an explicit Dockerfile, relative to the project, and refuses a missing one', async () => {
    await writeFile(join(dir, 'Other.Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n')
    const result = await resolveDockerfile(dir, config, {dockerfilePath: 'Other.Dockerfile'})
    assert.equal(result.source, 'project')
    assert.equal(result.declaresBaseImageArg, true)
    await assert.rejects(resolveDockerfile(dir, config, {dockerfilePath: 'Missing'}), InvalidInputError)
  })

  it('recognises ARG BASE_IMAGE', () => {
    assert.equal(declaresBaseImageArg('ARG BASE_IMAGE=x\nFROM ${BASE_IMAGE}'), true)
    assert.equal(declaresBaseImageArg('  arg BASE_IMAGE\n'), true)
    assert.equal(declaresBaseImageArg('ARG BASE_IMAGE_TAG=1\n'), false)
    assert.equal(declaresBaseImageArg('FROM node\n'), false)
  })
})

describe('locateHandler', () => {
  it('lists the files Lambda tries, in its order', () => {
    assert.deepEqual(locateHandler('index.handler', 'commonjs'), {
      module: 'index',
      export: 'handler',
      imageFiles: ['index.js', 'index.mjs', 'index.cjs'],
      projectFiles: ['index.js', 'index.mjs', 'index.cjs'],
    })
    assert.deepEqual(locateHandler('src/app.main', 'esm').imageFiles, ['src/app.js', 'src/app.mjs', 'src/app.cjs'])
  })

  it('maps typescript handlers to the compiled file in the task root and the source under src/', () => {
    const location = locateHandler('index.handler', 'typescript')
    assert.deepEqual(location.imageFiles, ['index.js', 'index.mjs', 'index.cjs'])
    assert.deepEqual(location.projectFiles, ['src/index.ts', 'src/index.mts', 'src/index.cts'])
  })

  it('refuses a handler without an export', () => {
    assert.throws(() => locateHandler('index', 'commonjs'), InvalidInputError)
  })
})
