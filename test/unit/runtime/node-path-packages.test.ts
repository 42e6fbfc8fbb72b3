import {strict as assert} from 'node:assert'
import {mkdirSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {nodePathPackages} from './runtime-client-modules.js'

describe('runtime client: NODE_PATH packages for ES modules', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'limg-node-path-'))
  })

  afterEach(() => {
    rmSync(dir, {recursive: true, force: true})
  })

  it('takes the package name of bare specifiers only', () => {
    assert.deepEqual(
      ['@aws-sdk/client-lambda', '@aws-sdk/client-lambda/dist-cjs/x.js', 'uuid', 'uuid/v4', '@scope', './a.mjs', '/abs', '#internal', 'node:fs', 'file:///x', ''].map(
        (s) => nodePathPackages.packageName(s),
      ),
      ['@aws-sdk/client-lambda', '@aws-sdk/client-lambda', 'uuid', 'uuid', null, null, null, null, null, null, null],
    )
  })

  it('splits NODE_PATH, dropping empty entries', () => {
    assert.deepEqual(nodePathPackages.entries('/opt/nodejs/node_modules::/var/runtime/node_modules'), ['/opt/nodejs/node_modules', '/var/runtime/node_modules'])
    assert.deepEqual(nodePathPackages.entries(undefined), [])
  })

  it('names the entries that hold the package, in NODE_PATH order, with a parent inside each', () => {
    const [first, second, empty] = ['a/node_modules', 'b/node_modules', 'c/node_modules'].map((p) => join(dir, p))
    mkdirSync(join(first, '@acme/tool'), {recursive: true})
    mkdirSync(join(second, '@acme/tool'), {recursive: true})
    mkdirSync(empty, {recursive: true})
    const found = nodePathPackages.candidates('@acme/tool/sub', [empty, second, first])
    assert.deepEqual(
      found.map((c) => c.parentURL),
      [pathToFileURL(join(second, '@acme/tool/package.json')).href, pathToFileURL(join(first, '@acme/tool/package.json')).href],
    )
  })

  it('accepts a package folder that is a link under its real path too', () => {
    const real = join(dir, 'store/tool')
    mkdirSync(real, {recursive: true})
    mkdirSync(join(dir, 'layer'), {recursive: true})
    symlinkSync(real, join(dir, 'layer/tool'))
    const [candidate] = nodePathPackages.candidates('tool', [join(dir, 'layer')])
    assert.deepEqual(candidate.folders, [join(dir, 'layer/tool'), real])
  })
})
