import {strict as assert} from 'node:assert'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {compiledModule, typescriptBuild} from '../../../src/project/typescript-build.js'

describe('typescriptBuild', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-ts-'))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('is nothing without a build script or a tsconfig.json', async () => {
    assert.equal(await typescriptBuild(dir, {}), undefined)
  })

  it('reads esbuild\'s --outfile, as AWS\'s TypeScript guide writes it', async () => {
    const build = await typescriptBuild(dir, {scripts: {build: 'esbuild index.ts --bundle --minify --sourcemap --platform=node --target=es2020 --outfile=dist/index.js'}})
    assert.deepEqual(build, {script: 'build', outDir: 'dist', outDirSource: 'the "build" script', rootDir: '', outModule: 'index', flattens: true})
  })

  it('reads tsc\'s --outDir from the script over tsconfig.json, then tsconfig.json, then "main"', async () => {
    await writeFile(join(dir, 'tsconfig.json'), '{"compilerOptions": {"outDir": "./build/", "rootDir": "src"}}')
    assert.equal((await typescriptBuild(dir, {scripts: {build: 'tsc index.ts --module nodenext --outDir dist/'}}))?.outDir, 'dist')
    const fromConfig = await typescriptBuild(dir, {scripts: {build: 'tsc'}})
    assert.deepEqual([fromConfig?.outDir, fromConfig?.rootDir], ['build', 'src'])
    await rm(join(dir, 'tsconfig.json'))
    assert.equal((await typescriptBuild(dir, {main: 'lib/handler.js', scripts: {build: 'tsc'}}))?.outDir, 'lib')
    assert.equal((await typescriptBuild(dir, {scripts: {build: 'tsc'}}))?.outDir, 'dist')
    assert.equal((await typescriptBuild(dir, {scripts: {build: 'tsc'}}, 'out'))?.outDir, 'out')
  })

  it('runs tsc from tsconfig.json when there is no build script', async () => {
    await writeFile(join(dir, 'tsconfig.json'), '{\n  // comments are allowed\n  "compilerOptions": {"outDir": "dist",},\n}')
    const build = await typescriptBuild(dir, {})
    assert.equal(build?.script, undefined)
    assert.equal(build?.outDir, 'dist')
  })

  it('names the compiled module relative to the root folder, or after the bundle', () => {
    const base = {outDir: 'dist', outDirSource: 'x', flattens: false}
    assert.equal(compiledModule({...base, rootDir: 'src'}, 'src/handlers/api.ts'), 'handlers/api')
    assert.equal(compiledModule({...base, rootDir: ''}, 'src/index.ts'), 'index')
    assert.equal(compiledModule({...base, rootDir: ''}, 'index.ts'), 'index')
    assert.equal(compiledModule({...base, rootDir: 'src'}, 'other/x.ts'), undefined)
    assert.equal(compiledModule({...base, rootDir: '', flattens: true}, 'lib/handler.ts'), 'handler')
    assert.equal(compiledModule({...base, rootDir: '', outModule: 'main'}, 'index.ts'), 'main')
  })
})
