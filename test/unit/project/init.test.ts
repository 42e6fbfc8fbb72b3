import {strict as assert} from 'node:assert'
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {InvalidInputError} from '../../../src/errors/index.js'
import {type InitQuestion, initProject} from '../../../src/project/init.js'
import {snapshot} from '../../support/files.js'


describe('initProject', () => {
  let root: string
  const now = new Date('2025-06-01T00:00:00Z')

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'limg-init-'))
  })
  afterEach(async () => {
    await rm(root, {recursive: true, force: true})
  })

  it('scaffolds with defaults named after the directory', async () => {
    const result = await initProject({dir: join(root, 'Hello World'), now})
    assert.deepEqual({...result, files: [...result.files].sort()}, {
      dir: join(root, 'Hello World'),
      name: 'Hello-World',
      runtime: 'nodejs24.x',
      arch: 'x86_64',
      template: 'commonjs',
      handler: 'index.handler',
      files: ['.dockerignore', 'events/event.json', 'index.js', 'limg.json', 'package-lock.json', 'package.json'],
      adopted: false,
      warnings: [],
    })
  })

  it('asks only for what no option gave, and uses the answers', async () => {
    const asked: InitQuestion[] = []
    const answers: Record<string, string> = {name: 'asked-name', template: 'esm'}
    const result = await initProject({dir: root, runtime: 'nodejs20.x', now}, async (q) => {
      asked.push(q)
      return answers[q.key] ?? q.default
    })
    assert.deepEqual(asked.map((q) => q.key), ['name', 'arch', 'template'])
    assert.deepEqual(asked.find((q) => q.key === 'arch')?.choices, ['x86_64', 'arm64'])
    assert.equal(result.name, 'asked-name')
    assert.equal(result.template, 'esm')
    assert.ok(result.files.includes('index.mjs'))
  })

  it('warns about a deprecated runtime with its dates', async () => {
    const result = await initProject({dir: root, runtime: 'nodejs16.x', now})
    assert.equal(result.warnings.length, 1)
    assert.match(result.warnings[0], /nodejs16\.x is deprecated.*2024-06-12.*2024-07-15.*2024-08-15/)
  })

  it('validates everything before writing anything', async () => {
    const dir = join(root, 'new')
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{name: 'bad name'}, /1 to 64/],
      [{runtime: 'nodejs8.10'}, /nodejs12\.x, nodejs14\.x/],
      [{arch: 'x64'}, /x86_64, arm64/],
      [{template: 'jsx'}, /commonjs, esm, typescript/],
      [{runtime: 'nodejs12.x', template: 'esm'}, /nodejs14\.x, nodejs16\.x/],
    ]
    for (const [options, pattern] of cases) {
      await assert.rejects(initProject({dir, ...options, now}), (error: Error) => {
        assert.ok(error instanceof InvalidInputError)
        assert.match(`${error.message} ${error.suggestion}`, pattern)
        return true
      })
    }
    assert.deepEqual(await readdir(root), [])
  })

  it('refuses to overwrite, writing nothing, unless forced', async () => {
    await writeFile(join(root, 'index.js'), 'mine\n')
    const before = await snapshot(root)
    await assert.rejects(initProject({dir: root, now}), /already has index\.js; nothing was written/)
    assert.deepEqual(await snapshot(root), before)
    await initProject({dir: root, force: true, now})
    assert.match(await readFile(join(root, 'index.js'), 'utf8'), /exports\.handler/)
  })

  it('adopts an existing function without changing a byte of it', async () => {
    await writeFile(join(root, 'package.json'), '{"name":"existing","type":"module","dependencies":{}}')
    await writeFile(join(root, 'package-lock.json'), '{"lockfileVersion":2}')
    await mkdir(join(root, 'src'))
    await writeFile(join(root, 'src', 'app.js'), 'export async function main(event) { return event }\n')
    const before = await snapshot(root)
    const result = await initProject({dir: root, now})
    assert.equal(result.adopted, true)
    assert.equal(result.handler, 'src/app.main')
    assert.equal(result.template, 'esm')
    assert.deepEqual(result.files, ['limg.json', '.dockerignore'])
    const after = await snapshot(root)
    for (const [path, bytes] of Object.entries(before)) assert.equal(after[path], bytes, path)
    assert.deepEqual(Object.keys(after).sort(), [...Object.keys(before), '.dockerignore', 'limg.json'].sort())

    await assert.rejects(initProject({dir: root, now}), /already has limg\.json/)
    const forced = await initProject({dir: root, force: true, arch: 'arm64', now})
    assert.deepEqual(forced.files, ['limg.json'])
  })

  it('asks for --handler when an existing project has none it can find', async () => {
    await writeFile(join(root, 'package.json'), '{}')
    await assert.rejects(initProject({dir: root, now}), (error: Error) => {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.suggestion ?? '', /--handler/)
      return true
    })
    const result = await initProject({dir: root, handler: 'lambda.go', now})
    assert.equal(result.handler, 'lambda.go')
    assert.ok(result.warnings.some((w) => /No file for handler/.test(w)))
    assert.ok(result.warnings.some((w) => /package-lock\.json/.test(w)))
  })

  it('refuses esm on nodejs12.x when adopting too', async () => {
    await writeFile(join(root, 'package.json'), '{}')
    await writeFile(join(root, 'index.mjs'), 'export const handler = async () => 1\n')
    await assert.rejects(initProject({dir: root, runtime: 'nodejs12.x', now}), /esm template needs ES module support/)
    assert.deepEqual((await readdir(root)).sort(), ['index.mjs', 'package.json'])
  })

  it('adopts a folder holding only a handler file, writing no package.json and changing nothing', async () => {
    await writeFile(join(root, 'index.mjs'), 'export const handler = async (event) => ({statusCode: 200})\n')
    const before = await snapshot(root)
    const result = await initProject({dir: root, now})
    assert.deepEqual([result.adopted, result.handler, result.template, result.files], [true, 'index.handler', 'esm', ['limg.json', '.dockerignore']])
    const after = await snapshot(root)
    assert.equal(after['index.mjs'], before['index.mjs'])
    assert.deepEqual(Object.keys(after).sort(), ['.dockerignore', 'index.mjs', 'limg.json'])
  })

  it('adopts TypeScript that a build script compiles without a tsconfig.json', async () => {
    await writeFile(join(root, 'package.json'), JSON.stringify({scripts: {build: 'esbuild index.ts --bundle --platform=node --target=es2020 --outfile=dist/index.js'}, devDependencies: {esbuild: '0.24.0'}}))
    await writeFile(join(root, 'index.ts'), 'import type {Handler} from "aws-lambda"\nexport const handler: Handler = async (event) => event\n')
    const result = await initProject({dir: root, now})
    assert.deepEqual([result.handler, result.template], ['index.handler', 'typescript'])
    assert.equal(result.handlerSource, 'index.ts')
  })

  it('says what a TypeScript handler that nothing compiles needs', async () => {
    await writeFile(join(root, 'package.json'), '{}')
    await writeFile(join(root, 'index.ts'), 'export const handler = async () => 1\n')
    await assert.rejects(initProject({dir: root, now}), (error: Error) => {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.message, /has index\.ts, but nothing compiles it/)
      assert.match(error.suggestion ?? '', /"build" script/)
      return true
    })
    assert.deepEqual((await readdir(root)).sort(), ['index.ts', 'package.json'])
  })

  it('takes the handler from a project Dockerfile\'s CMD and the runtime and architecture from its FROM', async () => {
    await writeFile(join(root, 'Dockerfile'), 'FROM public.ecr.aws/lambda/nodejs:20-arm64\nCOPY app.mjs package*.json ./\nRUN npm install\nCMD [ "app.lambdaHandler" ]\n')
    await writeFile(join(root, 'package.json'), '{"dependencies": {}}')
    await writeFile(join(root, 'app.mjs'), 'export const lambdaHandler = async () => ({statusCode: 200})\n')
    const result = await initProject({dir: root, now})
    assert.deepEqual([result.handler, result.runtime, result.arch, result.template, result.handlerSource], ['app.lambdaHandler', 'nodejs20.x', 'arm64', 'esm', "the Dockerfile's CMD"])
  })

  it('refuses a --runtime that contradicts the project Dockerfile, writing nothing', async () => {
    await writeFile(join(root, 'Dockerfile'), 'FROM public.ecr.aws/lambda/nodejs:20\nCOPY . ./\nCMD ["index.handler"]\n')
    await writeFile(join(root, 'index.js'), 'exports.handler = async () => 1\n')
    const before = await snapshot(root)
    await assert.rejects(initProject({dir: root, runtime: 'nodejs24.x', now}), /--runtime nodejs24\.x contradicts the Dockerfile's CMD, which says nodejs20\.x; nothing was written/)
    assert.deepEqual(await snapshot(root), before)
  })

  it('refuses a handler outside the project, with or without --force, writing nothing', async () => {
    const project = join(root, 'project')
    await mkdir(project)
    await writeFile(join(root, 'x.js'), 'precious\n')
    for (const handler of ['../x.handler', '/etc/x.handler', 'a/../../x.handler']) {
      for (const force of [false, true]) {
        await assert.rejects(initProject({dir: project, handler, force, now}), (error: Error) => {
          assert.ok(error instanceof InvalidInputError)
          assert.match(error.message, /inside the project/)
          return true
        })
      }
    }
    assert.equal(await readFile(join(root, 'x.js'), 'utf8'), 'precious\n')
    assert.deepEqual(await readdir(project), [])
  })
})
