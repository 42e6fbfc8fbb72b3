import {strict as assert} from 'node:assert'
import {randomBytes} from 'node:crypto'
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {ensureBaseImage} from '../../support/base-images.js'
import {limg} from '../../support/cli.js'

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/repositories/shop')
const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
// The TLS-intercepting proxy's authority, which every install inside a build needs here.
const ENV = {NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', LIMG_LABELS: `limg.test=${RUN_ID}`}
const FUNCTIONS = ['shop-billing', 'shop-broken', 'shop-catalog', 'shop-orders', 'shop-reports', 'shop-search']

interface Outcome {
  name: string
  path: string
  ok: boolean
  result?: {image: string; imageId: string; steps: number; cachedSteps: number}
  error?: {code: string; message: string; exitCode: number}
}

async function layers(image: string): Promise<string[]> {
  const {stdout} = await execa('docker', ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', image])
  return JSON.parse(stdout) as string[]
}

describe('a repository of six functions, built at its root', function () {
  this.timeout(900_000)
  let root = ''
  let base = ''
  const firstImages = new Map<string, string>()

  before(async () => {
    base = await ensureBaseImage('nodejs22.x', 'x86_64')
    root = await mkdtemp(join(tmpdir(), 'limg-shop-'))
    await cp(FIXTURE, root, {recursive: true})
    // A description of this run's own in the pair's package.json (npm ci does not compare it
    // with the lock file) so their dependency layer is built afresh here, not found in the
    // cache of an earlier run.
    for (const fn of ['orders', 'billing']) {
      const file = join(root, 'functions', fn, 'package.json')
      await writeFile(file, JSON.stringify({...JSON.parse(await readFile(file, 'utf8')), description: `run ${RUN_ID}`}, null, 2))
    }
    // The fixture's functions' images from an earlier run would turn this run's builds into cache hits.
    await execa('docker', ['rmi', '-f', ...FUNCTIONS.map((name) => `${name}:x86_64`)], {reject: false})
  })

  after(async () => {
    await execa('docker', ['rmi', '-f', ...FUNCTIONS.map((name) => `${name}:x86_64`)], {reject: false})
    if (root) await rm(root, {recursive: true, force: true})
  })

  it('builds all of them in parallel, reports the one that fails beside the others, and builds the shared dependency layer once', async () => {
    const run = await limg(['build', '--base-image', base, '--jobs', '2', '--json'], root, {env: ENV})
    assert.equal(run.exitCode, 8, `some failed, some built: exit 8\n${run.stderr}`)
    const result = run.json as {functions: Outcome[]; succeeded: number; failed: number; jobs: number; source: string}
    assert.equal(result.source, 'limg.json')
    assert.equal(result.jobs, 2)
    assert.deepEqual(result.functions.map((fn) => [fn.name, fn.ok]), FUNCTIONS.map((name) => [name, name !== 'shop-broken']))
    const broken = result.functions.find((fn) => fn.name === 'shop-broken')!
    assert.equal(broken.error?.exitCode, 4)
    assert.match(broken.error!.message, /The handler "missing\.handler" is not in the image/)
    assert.deepEqual([result.succeeded, result.failed], [5, 1])
    for (const fn of result.functions) if (fn.ok) firstImages.set(fn.name, fn.result!.imageId)

    // orders and billing share package.json and the lock file: one of them made the
    // dependency layer and the other found it cached, so both images hold the same layer.
    const baseLayers = (await layers(base)).length
    const [orders, billing, search] = await Promise.all(['shop-orders', 'shop-billing', 'shop-search'].map((name) => layers(`${name}:x86_64`)))
    assert.equal(orders[baseLayers], billing[baseLayers], 'the node_modules layer is the same one')
    assert.notEqual(orders[baseLayers], search[baseLayers], 'search has dependencies of its own')
    const cached = ['shop-orders', 'shop-billing'].map((name) => result.functions.find((fn) => fn.name === name)!.result!.cachedSteps).sort((a, b) => a - b)
    assert.ok(cached[1]! >= cached[0]! + 3, `the second of the pair took its install from the cache (cached steps ${cached.join(', ')})`)

    // Each image answers as its function does.
    const reports = await limg(['run', '--detach', '--json'], join(root, 'functions/reports'), {env: ENV})
    assert.equal(reports.exitCode, 0, reports.stderr)
    try {
      const invoke = await limg(['invoke', '--event', '-', '--json'], join(root, 'functions/reports'), {env: ENV, input: '{"month":"2026-11"}'})
      assert.deepEqual(invoke.json.payload, {fn: 'reports', month: '2026-11'})
    } finally {
      await limg(['stop'], join(root, 'functions/reports'), {env: ENV})
    }
  })

  it('builds only the functions --function names, by name or folder, and exits 0 when they all build', async () => {
    const run = await limg(['build', '--base-image', base, '--function', 'shop-orders', '--function', 'functions/catalog', '--json'], root, {env: ENV})
    assert.equal(run.exitCode, 0, run.stderr)
    const result = run.json as {functions: Outcome[]}
    assert.deepEqual(result.functions.map((fn) => fn.name), ['shop-catalog', 'shop-orders'])
    for (const fn of result.functions) assert.equal(fn.result!.imageId, firstImages.get(fn.name), `${fn.name}: unchanged, so the same image`)
  })

  it('refuses what names one function at the root, and single-function commands there, each with exit 2 and what to do', async () => {
    const tagged = await limg(['build', '--tag', 'x:1'], root, {env: ENV})
    assert.equal(tagged.exitCode, 2)
    assert.match(tagged.stderr, /--tag names one function's tag, but this acts on 6 functions\. Pick one with --function NAME/)
    const unknown = await limg(['build', '--function', 'nope'], root, {env: ENV})
    assert.equal(unknown.exitCode, 2)
    assert.match(unknown.stderr, /No function "nope" in .*\(shop-billing, shop-broken, shop-catalog, shop-orders, shop-reports, shop-search\)/)
    for (const command of [['run', '--detach'], ['invoke'], ['logs'], ['stop'], ['dockerfile']]) {
      const run = await limg(command, root, {env: ENV})
      assert.equal(run.exitCode, 2, `${command[0]}: ${run.stderr}`)
      assert.match(run.stderr, new RegExp(`is a repository of 6 functions \\(functions/billing, functions/broken, functions/catalog, functions/orders, …, from its limg\\.json\\), and limg ${command[0]} works on one\\. Pass --dir with its folder, such as \`limg ${command[0]} --dir functions/billing\``))
    }
    // Not even --force turns the repository's list into one function's settings.
    const before = await readFile(join(root, 'limg.json'), 'utf8')
    const init = await limg(['init', '--yes', '--force'], root, {env: ENV})
    assert.equal(init.exitCode, 2)
    assert.match(init.stderr, /lists the functions of a repository; limg init there would replace that list, also with --force\. Create each function in a folder of its own, such as `limg init functions\/<name>`/)
    assert.equal(await readFile(join(root, 'limg.json'), 'utf8'), before)
    // In a function's folder, deploy's --function names the Lambda function: a sibling's name is refused.
    const sibling = await limg(['deploy', '--function', 'shop-billing', '--region', 'eu-west-1'], join(root, 'functions/orders'), {env: ENV})
    assert.equal(sibling.exitCode, 2)
    assert.match(sibling.stderr, /--function shop-billing is another function of this repository \(functions\/billing\); here it would deploy this folder's image as that function/)
    const single = await limg(['build', '--function', 'x'], join(root, 'functions/orders'), {env: ENV})
    assert.equal(single.exitCode, 2)
    assert.match(single.stderr, /--function picks functions of a repository/)
  })
})
