import {strict as assert} from 'node:assert'

import type {OutcomeSuite} from './suite-context.js'
import {runtimeOf} from './suite-context.js'
import type {HandlerFixture} from './target.js'

// Packages as a layer puts them in /opt/nodejs/node_modules: one with "exports" conditions,
// a scoped one with a subpath export, one with only "main" (CommonJS, as the bundled SDK is).
const LAYER_PACKAGES: Record<string, string> = {
  'nodejs/node_modules/layer-esm/package.json': JSON.stringify({
    name: 'layer-esm',
    exports: {'.': {import: './esm.mjs', require: './cjs.js'}},
  }),
  'nodejs/node_modules/layer-esm/esm.mjs': "export const where = 'layer, import condition'\n",
  'nodejs/node_modules/layer-esm/cjs.js': "exports.where = 'layer, require condition'\n",
  'nodejs/node_modules/@acme/tool/package.json': JSON.stringify({name: '@acme/tool', exports: {'./sub': './sub.mjs'}}),
  'nodejs/node_modules/@acme/tool/sub.mjs': "export const where = 'scoped subpath'\n",
  'nodejs/node_modules/layer-legacy/package.json': JSON.stringify({name: 'layer-legacy', main: 'lib/main.js'}),
  'nodejs/node_modules/layer-legacy/lib/main.js': "exports.where = 'main, CommonJS'\n",
}

function layerImports(): HandlerFixture {
  return {
    handler: 'index.handler',
    opt: LAYER_PACKAGES,
    files: {
      'index.mjs': `
import {where as esm} from 'layer-esm'
import {where as scoped} from '@acme/tool/sub'
import {where as legacy} from 'layer-legacy'
import {inner} from './lib/inner.mjs'
export const handler = async () => ({esm, scoped, legacy, inner})
`,
      'lib/inner.mjs': "export {where as inner} from 'layer-esm'\n",
    },
  }
}

export function describeEsModules(suite: OutcomeSuite): void {
  const {invoke} = suite
  const runtime = () => runtimeOf(suite.target.nodeMajor)

  async function assertTopLevelAwaitResult(expected: unknown): Promise<void> {
    const answer = await invoke({})
    if (runtime().topLevelAwait) {
      assert.deepEqual(JSON.parse(answer.body), expected)
    } else {
      // Node 12 has ES modules but not top-level await: there the same fixture is an init error.
      assert.equal(answer.status, 502)
      assert.equal(JSON.parse(answer.body).errorType, 'Runtime.UserCodeSyntaxError')
    }
  }

  describe('ES modules', () => {
    it('loads an .mjs module after its top-level await', async () => {
      await suite.target.start({
        handler: 'app.handler',
        files: {
          'app.mjs': `
const config = await new Promise((r) => setTimeout(() => r({ready: true}), 300))
export const handler = async () => ({kind: 'mjs', config})
`,
        },
      })
      await assertTopLevelAwaitResult({kind: 'mjs', config: {ready: true}})
    })

    it('loads a .js ES module under "type": "module"', async () => {
      await suite.target.start({
        handler: 'index.handler',
        files: {
          'package.json': '{"type": "module"}\n',
          'index.js': `
const ready = await Promise.resolve('yes')
export const handler = async () => ({kind: 'type-module', ready, esm: typeof require === 'undefined'})
`,
        },
      })
      await assertTopLevelAwaitResult({kind: 'type-module', ready: 'yes', esm: true})
    })

    it('loads an .mjs module without top-level await', async () => {
      await suite.target.start({
        handler: 'index.handler',
        files: {
          'index.mjs': "import {basename} from 'path'\nexport const handler = async () => ({kind: 'plain-mjs', base: basename('/a/b.txt')})\n",
        },
      })
      assert.deepEqual(JSON.parse((await invoke({})).body), {kind: 'plain-mjs', base: 'b.txt'})
    })

    it('loads a .cjs module even under "type": "module"', async () => {
      await suite.target.start({
        handler: 'index.handler',
        files: {
          'package.json': '{"type": "module"}\n',
          'index.cjs': "module.exports.handler = async () => ({kind: 'cjs', cjs: typeof require === 'function'})\n",
        },
      })
      assert.deepEqual(JSON.parse((await invoke({})).body), {kind: 'cjs', cjs: true})
    })

    it('imports layer packages through NODE_PATH from Node.js 18, also from the function\'s own modules', async () => {
      await suite.target.start(layerImports())
      const answer = await invoke({})
      if (runtime().esModulesFromNodePath) {
        assert.equal(answer.status, 200, answer.body)
        assert.deepEqual(JSON.parse(answer.body), {
          esm: 'layer, import condition',
          scoped: 'scoped subpath',
          legacy: 'main, CommonJS',
          inner: 'layer, import condition',
        })
        return
      }
      // As on AWS's nodejs14.x and 16.x: Node's own ES module resolution, which ignores NODE_PATH.
      assert.equal(answer.status, 502)
      const body = JSON.parse(answer.body)
      assert.equal(body.errorType, 'Error')
      // Node 12 adds a line with a guess from require()'s resolution.
      assert.match(body.errorMessage, /^Cannot find package 'layer-esm' imported from \/.*\/index\.mjs(\n|$)/)
    })

    it('takes a package from the function\'s own node_modules, then nodejs/node<major>, before nodejs/node_modules', async () => {
      const major = suite.target.nodeMajor
      await suite.target.start({
        handler: 'index.handler',
        opt: {
          ...LAYER_PACKAGES,
          [`nodejs/node${major}/node_modules/layer-legacy/package.json`]: JSON.stringify({name: 'layer-legacy'}),
          [`nodejs/node${major}/node_modules/layer-legacy/index.js`]: "exports.where = 'node major folder'\n",
        },
        files: {
          'node_modules/layer-esm/package.json': JSON.stringify({name: 'layer-esm', exports: './own.mjs'}),
          'node_modules/layer-esm/own.mjs': "export const where = 'own node_modules'\n",
          'index.mjs': "import {where as own} from 'layer-esm'\nimport legacy from 'layer-legacy'\nexport const handler = async () => ({own, legacy: legacy.where})\n",
        },
      })
      const answer = await invoke({})
      if (!runtime().esModulesFromNodePath) {
        assert.match(JSON.parse(answer.body).errorMessage, /^Cannot find package 'layer-legacy'/)
        return
      }
      assert.deepEqual(JSON.parse(answer.body), {own: 'own node_modules', legacy: 'node major folder'})
    })

    it('still fails with Node\'s own error for a package that is nowhere', async () => {
      await suite.target.start({
        handler: 'index.handler',
        opt: LAYER_PACKAGES,
        files: {'index.mjs': "import 'not-installed-anywhere'\nexport const handler = async () => 1\n"},
      })
      const answer = await invoke({})
      assert.equal(answer.status, 502)
      const body = JSON.parse(answer.body)
      assert.equal(body.errorType, 'Error')
      assert.match(body.errorMessage, /^Cannot find package 'not-installed-anywhere' imported from \/.*\/index\.mjs$/)
    })

    it('requires layer packages through NODE_PATH on every Node.js', async () => {
      await suite.target.start({
        handler: 'index.handler',
        opt: LAYER_PACKAGES,
        files: {'index.js': "exports.handler = async () => ({cjs: require('layer-esm').where, legacy: require('layer-legacy').where})\n"},
      })
      assert.deepEqual(JSON.parse((await invoke({})).body), {cjs: 'layer, require condition', legacy: 'main, CommonJS'})
    })
  })
}
