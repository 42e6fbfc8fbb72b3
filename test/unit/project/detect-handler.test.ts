import {strict as assert} from 'node:assert'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {detectHandler, exportedNames, templateForFile} from '../../../src/project/detect-handler.js'
import {writeFiles} from '../../support/files.js'

describe('exportedNames', () => {
  const cases: Array<[string, string[]]> = [
    ['exports.handler = async () => {}', ['handler']],
    ['module.exports.main = function () {}', ['main']],
    ['module.exports = {handler, other: 1}', ['handler', 'other']],
    ['module.exports = { async handler(event) { return 1 } }', ['handler']],
    ['export const handler = async () => {}', ['handler']],
    ['export let a = 1; export var b = 2', ['a', 'b']],
    ['export async function lambdaHandler(event) {}', ['lambdaHandler']],
    ['export function* gen() {}', ['gen']],
    ['const h = () => 1; export { h as handler, other }', ['handler', 'other']],
    ['export const handler: Handler<A, B> = async (event) => ({})', ['handler']],
    ['// exports.handler = 1\n/* export const main = 1 */\nconst x = "http://a"', []],
    ['const handler = 1; module.exports = handler', []],
  ]
  for (const [source, names] of cases) {
    it(`reads ${JSON.stringify(source.slice(0, 50))}`, () => {
      assert.deepEqual(exportedNames(source), names)
    })
  }
})

describe('templateForFile', () => {
  it('follows the extension, then package.json "type"', () => {
    assert.equal(templateForFile('index.mjs', {}), 'esm')
    assert.equal(templateForFile('index.cjs', {type: 'module'}), 'commonjs')
    assert.equal(templateForFile('index.js', {type: 'module'}), 'esm')
    assert.equal(templateForFile('index.js', {}), 'commonjs')
    assert.equal(templateForFile('src/index.ts', {}), 'typescript')
  })
})

describe('detectHandler', () => {
  let dir: string
  const put = (files: Record<string, string>): Promise<void> => writeFiles(dir, files)

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-detect-'))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('finds an ES module handler in index.mjs', async () => {
    await put({'index.mjs': 'await 1\nexport const handler = async () => 1\n'})
    assert.deepEqual(await detectHandler(dir, {}), {handler: 'index.handler', template: 'esm', file: 'index.mjs', source: 'index.mjs', warnings: []})
  })

  it('reads .js as esm with "type": "module", else commonjs', async () => {
    await put({'app.js': 'export async function handler() {}\n'})
    assert.equal((await detectHandler(dir, {type: 'module'}))?.template, 'esm')
    await put({'app.js': 'exports.handler = async () => {}\n'})
    assert.deepEqual(await detectHandler(dir, {}), {handler: 'app.handler', template: 'commonjs', file: 'app.js', source: 'app.js', warnings: []})
  })

  it('finds a .cjs handler as commonjs', async () => {
    await put({'handler.cjs': 'module.exports = {run}\nfunction run() {}\n'})
    assert.deepEqual(await detectHandler(dir, {type: 'module'}), {handler: 'handler.run', template: 'commonjs', file: 'handler.cjs', source: 'handler.cjs', warnings: []})
  })

  it('prefers package.json "main" over index.*', async () => {
    await put({'index.js': 'exports.handler = 1\n', 'lib/fn.js': 'exports.handler = 1\n'})
    assert.equal((await detectHandler(dir, {main: './lib/fn.js'}))?.handler, 'lib/fn.handler')
  })

  it('skips files that export nothing and prefers "handler" among exports', async () => {
    await put({'index.js': 'console.log(1)\n', 'src/index.js': 'exports.helper = 1\nexports.handler = 2\n'})
    assert.equal((await detectHandler(dir, {}))?.handler, 'src/index.handler')
  })

  it('maps a TypeScript source to the compiled module', async () => {
    await put({
      'tsconfig.json': '{\n  // comment\n  "compilerOptions": {"outDir": "./dist", "rootDir": "src",},\n}\n',
      'src/index.ts': 'export const handler = async (): Promise<number> => 1\n',
      'dist/index.js': 'exports.handler = 1\n',
    })
    assert.deepEqual(await detectHandler(dir, {main: 'dist/index.js'}), {handler: 'index.handler', template: 'typescript', file: 'src/index.ts', source: 'src/index.ts', warnings: []})
  })

  it('reads the compiled module of a TypeScript source that compiles elsewhere than dist/ (the build reads the folder)', async () => {
    await put({'tsconfig.json': '{"compilerOptions": {"outDir": "build"}}', 'src/app.ts': 'export function main() {}\n'})
    const found = await detectHandler(dir, {})
    assert.equal(found?.handler, 'app.main')
    assert.equal(found?.template, 'typescript')
  })

  it('finds TypeScript without a tsconfig.json when a build script compiles it, named after the bundle', async () => {
    await put({'index.ts': 'export const handler = async () => 1\n'})
    const found = await detectHandler(dir, {scripts: {build: 'esbuild index.ts --bundle --platform=node --outfile=dist/main.js'}})
    assert.deepEqual(found, {handler: 'main.handler', template: 'typescript', file: 'index.ts', source: 'index.ts', warnings: []})
  })

  it('ignores .ts files that nothing compiles', async () => {
    await put({'index.ts': 'export const handler = 1\n'})
    assert.equal(await detectHandler(dir, {}), undefined)
  })

  it('finds a lone handler file with no package.json', async () => {
    await put({'index.mjs': 'export const handler = async () => 1\n'})
    assert.equal((await detectHandler(dir, undefined))?.handler, 'index.handler')
  })

  it('finds a handler in a subfolder, as AWS\'s samples keep it in function/', async () => {
    await put({'function/index.js': 'exports.handler = async () => 1\n'})
    assert.equal((await detectHandler(dir, {}))?.handler, 'function/index.handler')
  })

  it('reads the handler, runtime and architecture of a SAM template', async () => {
    await put({
      'template.yml': 'Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Architectures:\n      - arm64\nResources:\n  api:\n    Type: AWS::Serverless::Api\n  fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.lambdaHandler # the entry point\n      Runtime: nodejs22.x\n      CodeUri: hello/.\n',
      'hello/app.mjs': 'export const lambdaHandler = async () => 1\n',
    })
    assert.deepEqual(await detectHandler(dir, {}), {handler: 'hello/app.lambdaHandler', template: 'esm', file: 'hello/app.mjs', source: 'template.yml (fn)', runtime: 'nodejs22.x', arch: 'arm64', warnings: []})
  })

  it("reads a project Dockerfile's CMD, and its FROM for the runtime and architecture", async () => {
    await put({
      'Dockerfile': 'FROM public.ecr.aws/lambda/nodejs:20-arm64 AS build\nRUN npm ci\nFROM public.ecr.aws/lambda/nodejs:20-arm64\nCOPY --from=build /var/task ./\nCMD [ "app.lambdaHandler" ]\n',
      'app.mjs': 'export const lambdaHandler = async () => 1\n',
    })
    assert.deepEqual(await detectHandler(dir, {}), {handler: 'app.lambdaHandler', template: 'esm', file: 'app.mjs', source: "the Dockerfile's CMD", runtime: 'nodejs20.x', arch: 'arm64', warnings: []})
  })

  it('finds nothing in a project without a handler', async () => {
    await put({'README.md': 'exports.handler = 1', 'lib/util.js': 'exports.handler = 1'})
    assert.equal(await detectHandler(dir, {}), undefined)
  })
})
