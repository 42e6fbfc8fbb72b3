import {strict as assert} from 'node:assert'
import {RUNTIMES} from '../../../src/catalog/runtimes.js'
import {TEMPLATES, validateCombination, validateProjectConfig} from '../../../src/config/schema.js'
import {functionNameFrom, packageNameFor} from '../../../src/project/names.js'
import {dockerignoreFile, scaffoldFiles} from '../../../src/project/scaffold.js'
import {typescriptToolchain} from '../../../src/project/typescript-toolchain.js'

function content(files: Array<{path: string; content: string}>, path: string): string {
  const file = files.find((f) => f.path === path)
  assert.ok(file, `${path} is among ${files.map((f) => f.path).join(', ')}`)
  return file.content
}

describe('scaffoldFiles', () => {
  for (const runtime of RUNTIMES) {
    for (const template of TEMPLATES) {
      try {
        validateCombination(runtime.id, template)
      } catch {
        continue
      }
      it(`writes a consistent ${template} project for ${runtime.id}`, () => {
        const config = validateProjectConfig({name: 'My_Fn', runtime: runtime.id, template, arch: 'arm64'}, 'limg.json')
        const files = scaffoldFiles(config)
        const handlerFile = {commonjs: 'index.js', esm: 'index.mjs', typescript: 'src/index.ts'}[template]
        const expected = ['.dockerignore', 'events/event.json', handlerFile, 'package.json', 'package-lock.json', 'limg.json', ...(template === 'typescript' ? ['tsconfig.json'] : [])]
        assert.deepEqual(files.map((f) => f.path).sort(), expected.sort())
        for (const file of files) assert.doesNotMatch(file.content, /\{\{|\}\}/, `${file.path} is fully rendered`)

        const pkg = JSON.parse(content(files, 'package.json')) as {name: string; devDependencies?: Record<string, string>; scripts?: Record<string, string>; main: string}
        const lock = JSON.parse(content(files, 'package-lock.json')) as {name: string; lockfileVersion: number; packages: Record<string, {devDependencies?: Record<string, string>}>}
        assert.equal(pkg.name, 'my_fn')
        assert.equal(lock.name, 'my_fn')
        assert.equal(lock.lockfileVersion, 2, 'npm 6 reads lockfileVersion 2, not 3')
        assert.deepEqual(lock.packages[''].devDependencies, pkg.devDependencies, 'the lock matches package.json, or npm ci refuses it')
        assert.doesNotMatch(content(files, 'package-lock.json'), /"resolved"/, 'no registry URLs in the lock')
        assert.deepEqual(JSON.parse(content(files, 'limg.json')), {...config})
        assert.deepEqual(JSON.parse(content(files, 'events/event.json')).name, 'Ada')

        if (template === 'typescript') {
          const toolchain = typescriptToolchain(runtime.id)
          assert.equal(pkg.devDependencies?.typescript, runtime.id === 'nodejs12.x' ? '4.9.5' : '5.9.3')
          assert.equal(pkg.scripts?.build, 'tsc')
          assert.equal(pkg.main, 'dist/index.js')
          const tsconfig = JSON.parse(content(files, 'tsconfig.json')) as {compilerOptions: Record<string, unknown>}
          assert.equal(tsconfig.compilerOptions.target, toolchain.target)
          assert.equal(tsconfig.compilerOptions.outDir, 'dist')
          assert.equal(tsconfig.compilerOptions.module, 'commonjs')
        } else {
          assert.equal(pkg.devDependencies, undefined)
          assert.equal(pkg.main, handlerFile)
        }
        if (template === 'esm') assert.match(content(files, 'index.mjs'), /^const \w+ = await /m, 'top-level await before the first invocation')
      })
    }
  }

  it('names the handler file and export after --handler', () => {
    const files = scaffoldFiles(validateProjectConfig({name: 'fn', runtime: 'nodejs20.x', template: 'esm', handler: 'lib/app.main'}, 'limg.json'))
    assert.match(content(files, 'lib/app.mjs'), /export const main = async/)
    const ts = scaffoldFiles(validateProjectConfig({name: 'fn', runtime: 'nodejs20.x', template: 'typescript', handler: 'app.run'}, 'limg.json'))
    assert.match(content(ts, 'src/app.ts'), /export const run: Handler/)
    assert.equal(JSON.parse(content(ts, 'package.json')).main, 'dist/app.js')
  })

  it('keeps tests, secrets, modules and editor files out of the build context', () => {
    const lines = dockerignoreFile().content.split('\n')
    for (const entry of ['node_modules', '.git', '**/.env', '**/.env.*', '**/.npmrc', '**/.aws', '**/.ssh', '**/*.pem', '**/*.key', 'test', 'tests', '__tests__', '**/*.test.*', '**/*.spec.*', 'coverage', '.vscode', '.idea', '**/*.swp', '**/.DS_Store', '.limg']) {
      assert.ok(lines.includes(entry), entry)
    }
    for (const kept of ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json']) assert.ok(!lines.includes(kept), kept)
  })
})

describe('names', () => {
  it('makes a Lambda function name from a folder name', () => {
    assert.equal(functionNameFrom('my-fn'), 'my-fn')
    assert.equal(functionNameFrom('My Function (copy)'), 'My-Function-copy')
    assert.equal(functionNameFrom('über.app'), 'ber-app')
    assert.equal(functionNameFrom('...'), 'function')
    assert.equal(functionNameFrom('x'.repeat(80)).length, 64)
  })

  it('lower-cases npm package names', () => {
    assert.equal(packageNameFor('My_Fn'), 'my_fn')
  })
})
