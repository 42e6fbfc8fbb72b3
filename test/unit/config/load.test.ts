import {strict as assert} from 'node:assert'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadProjectConfig} from '../../../src/config/load.js'
import {PROJECT_CONFIG_KEYS, closest, unknownKeyWarnings} from '../../../src/config/schema.js'
import {InvalidInputError} from '../../../src/errors/index.js'

describe('loading limg.json', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-load-'))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('reads a file saved with a UTF-8 byte-order mark', async () => {
    await writeFile(join(dir, 'limg.json'), '\uFEFF{"name": "bom-fn", "runtime": "nodejs22.x"}\n')
    assert.equal((await loadProjectConfig(dir)).name, 'bom-fn')
  })

  it('warns about keys it does not know, naming the closest valid one', async () => {
    await writeFile(join(dir, 'limg.json'), JSON.stringify({name: 'fn', runtime: 'nodejs22.x', memroy: 512, ecr: {repo: 'x'}}))
    const warnings: string[] = []
    const config = await loadProjectConfig(dir, {onWarning: (w) => warnings.push(w)})
    assert.equal(config.memory, 128, 'the typo changes nothing')
    const file = join(dir, 'limg.json')
    assert.deepEqual(warnings, [
      `${file}: unknown key "memroy" is ignored; did you mean "memory"?`,
      `${file}: unknown key "ecr.repo" is ignored; did you mean "ecr.repository"?`,
    ])
  })

  it('tells a missing project folder, a file given as the folder and a missing limg.json apart (exit 2)', async () => {
    await assert.rejects(loadProjectConfig(join(dir, 'nope')), (e: unknown) => e instanceof InvalidInputError && /^The project folder .*nope does not exist\.$/.test(e.message))
    await writeFile(join(dir, 'file'), 'x')
    await assert.rejects(loadProjectConfig(join(dir, 'file')), (e: unknown) => e instanceof InvalidInputError && / is a file, not a project folder\.$/.test(e.message))
    await assert.rejects(loadProjectConfig(dir), (e: unknown) => e instanceof InvalidInputError && /^No limg\.json in /.test(e.message))
  })
})

describe('unknown limg.json keys', () => {
  it('knows every key of the schema and nothing else', () => {
    assert.deepEqual(unknownKeyWarnings({name: 'fn', runtime: 'nodejs22.x', memory: 256, timeout: 3, environment: {}, ecr: {repository: 'fn', maxImages: 3}}, 'limg.json'), [])
    assert.ok(PROJECT_CONFIG_KEYS.includes('baseImage'))
  })

  it('suggests what a typo most likely meant, and lists the keys when nothing is close', () => {
    assert.equal(closest('memroy', PROJECT_CONFIG_KEYS), 'memory')
    assert.equal(closest('timout', PROJECT_CONFIG_KEYS), 'timeout')
    assert.equal(closest('base_image', PROJECT_CONFIG_KEYS), 'baseImage')
    assert.equal(closest('Runtime', PROJECT_CONFIG_KEYS), 'runtime')
    assert.equal(closest('env', PROJECT_CONFIG_KEYS), 'environment')
    assert.equal(closest('flavour', PROJECT_CONFIG_KEYS), undefined)
    const [warning] = unknownKeyWarnings({name: 'fn', flavour: 'x'}, 'limg.json')
    assert.match(warning, /^limg\.json: unknown key "flavour" is ignored; limg\.json takes "name", "runtime", .*"caCert", "builder", "dockerfile", "outDir", "role", "description", "tags", "ephemeralStorage", "http", "logFormat", "logLevel", "systemLogLevel"\.$/)
  })
})
