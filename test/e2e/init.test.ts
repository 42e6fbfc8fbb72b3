import {strict as assert} from 'node:assert'
import {chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {ARCHITECTURE_IDS, RUNTIMES} from '../../src/catalog/runtimes.js'
import {TEMPLATES} from '../../src/config/schema.js'
import {BIN, type CliRun, limg as runLimg} from '../support/cli.js'
import {snapshot} from '../support/files.js'

const CONCURRENCY = 8


function limg(args: string[], cwd: string): Promise<CliRun> {
  return runLimg(args, cwd)
}

async function node(args: string[], cwd: string): Promise<string> {
  return (await execa('node', args, {cwd})).stdout
}

async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({length: CONCURRENCY}, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item)
  }))
}


const HANDLER_CALL = `
const {pathToFileURL} = require('node:url')
const event = require(process.cwd() + '/events/event.json')
import(pathToFileURL(process.argv[1]).href).then((m) => m.handler(event)).then((r) => process.stdout.write(JSON.stringify(r)))
`

function assertGreeting(output: string): void {
  assert.deepEqual(JSON.parse(output), {statusCode: 200, body: JSON.stringify({message: 'Hello, Ada!'})})
}

describe('limg init (e2e)', function () {
  this.timeout(600_000)
  let root: string

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'limg-e2e-init-'))
  })
  after(async () => {
    await rm(root, {recursive: true, force: true})
  })

  it('scaffolds every runtime x architecture x template, and limg dockerfile renders it', async () => {
    const combos = RUNTIMES.flatMap((runtime) => ARCHITECTURE_IDS.flatMap((arch) => TEMPLATES.map((template) => ({runtime, arch, template}))))
    assert.equal(combos.length, 42)
    const failures: string[] = []
    await pool(combos, async ({runtime, arch, template}) => {
      const label = `${runtime.id}-${arch}-${template}`
      const dir = join(root, 'matrix', label)
      try {
        const init = await limg(['init', dir, '--yes', '--json', '--runtime', runtime.id, '--arch', arch, '--template', template], root)
        if (template === 'esm' && !runtime.esModules) {
          assert.equal(init.exitCode, 2, `${label}: ${init.stdout}`)
          const error = init.json.error as {message: string; suggestion: string}
          assert.match(`${error.message} ${error.suggestion}`, /nodejs14\.x, nodejs16\.x, nodejs18\.x, nodejs20\.x, nodejs22\.x, nodejs24\.x/)
          await assert.rejects(readdir(dir), 'the directory was not created')
          return
        }
        assert.equal(init.exitCode, 0, `${label}: ${init.stdout} ${init.stderr}`)
        assert.equal(init.json.runtime, runtime.id)
        assert.equal(init.json.arch, arch)
        assert.equal(init.json.template, template)
        assert.equal(init.json.handler, 'index.handler')
        assert.equal(init.json.adopted, false)
        assert.equal(init.json.name, label.replace(/\./g, '-'))
        const warnings = init.json.warnings as string[]
        if (runtime.deprecation.date <= new Date().toISOString().slice(0, 10)) assert.match(warnings.join(' '), new RegExp(`${runtime.id.replace('.', '\\.')} is deprecated.*${runtime.deprecation.date}`))
        else assert.deepEqual(warnings, [])
        for (const file of init.json.files as string[]) await readFile(join(dir, file))

        const df = await limg(['dockerfile', '--json', '--dir', dir], root)
        assert.equal(df.exitCode, 0, `${label}: ${df.stdout}`)
        const text = df.json.dockerfile as string
        const image = `public.ecr.aws/lambda/nodejs:${runtime.major}-${arch}`
        assert.equal(df.json.baseImage, image)
        assert.equal(df.json.source, 'template')
        assert.equal(df.json.written, false)
        assert.equal(text.split('\n')[0], `ARG BASE_IMAGE=${image}`)
        assert.match(text, /^FROM \$\{BASE_IMAGE\} AS deps$/m)
        const install = runtime.npmMajor === 6 ? 'npm ci --only=production' : 'npm ci --omit=dev'
        assert.match(text, new RegExp(`^RUN ${install} && mkdir -p node_modules$`, 'm'))
        assert.match(text, /^COPY --from=deps \/var\/task\/node_modules \.\/node_modules$/m)
        assert.match(text.trimEnd(), /\nCMD \["index\.handler"\]$/)
        assert.doesNotMatch(text, /NODE_EXTRA_CA_CERTS|limg-extra-ca/)
        if (template === 'typescript') assert.match(text, /^RUN npm run build$/m)

        if (template !== 'typescript') {
          const file = template === 'esm' ? 'index.mjs' : 'index.js'
          assertGreeting(await node(['-e', HANDLER_CALL, join(dir, file)], dir))
        }
      } catch (error) {
        failures.push(`${label}: ${(error as Error).message}`)
      }
    })
    assert.deepEqual(failures, [])
  })

  for (const runtime of ['nodejs12.x', 'nodejs24.x']) {
    it(`scaffolds a TypeScript project for ${runtime} that compiles with its own build script`, async () => {
      const dir = join(root, `ts-${runtime}`)
      const init = await limg(['init', dir, '--yes', '--json', '--template', 'typescript', '--runtime', runtime], root)
      assert.equal(init.exitCode, 0, init.stdout)
      // The registry is reachable on the machines this suite targets: a failure here is a real failure.
      const ci = await execa('npm', ['ci', '--no-audit', '--no-fund'], {cwd: dir, reject: false})
      assert.equal(ci.exitCode, 0, `npm ci failed (is the npm registry reachable?):\n${ci.stderr}`)
      const version = JSON.parse(await readFile(join(dir, 'node_modules/typescript/package.json'), 'utf8')).version
      assert.equal(version, runtime === 'nodejs12.x' ? '4.9.5' : '5.9.3')
      const build = await execa('npm', ['run', 'build'], {cwd: dir, reject: false})
      assert.equal(build.exitCode, 0, build.stdout + build.stderr)
      assertGreeting(await node(['-e', HANDLER_CALL, join(dir, 'dist/index.js')], dir))
    })
  }

  it('refuses invalid values, naming the valid choices, and leaves the directory untouched', async () => {
    const dir = join(root, 'invalid')
    await mkdir(dir)
    await writeFile(join(dir, 'keep.txt'), 'x')
    const cases: Array<[string[], RegExp]> = [
      [['--runtime', 'nodejs12.x', '--template', 'esm'], /nodejs14\.x, nodejs16\.x/],
      [['--name', 'no spaces allowed'], /A-Z, a-z, 0-9, "-" and "_"/],
      [['--name', 'x'.repeat(65)], /1 to 64/],
      [['--runtime', 'nodejs19.x'], /nodejs12\.x, nodejs14\.x, nodejs16\.x, nodejs18\.x, nodejs20\.x, nodejs22\.x, nodejs24\.x/],
      [['--arch', 'amd64'], /x86_64, arm64/],
      [['--template', 'coffee'], /commonjs, esm, typescript/],
    ]
    for (const [flags, pattern] of cases) {
      const run = await limg(['init', dir, '--yes', '--json', ...flags], root)
      assert.notEqual(run.exitCode, 0, flags.join(' '))
      const error = run.json.error as {message: string; suggestion?: string}
      assert.match(`${error.message} ${error.suggestion ?? ''}`, pattern, flags.join(' '))
      assert.deepEqual(await readdir(dir), ['keep.txt'], flags.join(' '))
      const human = await limg(['init', dir, '--yes', ...flags], root)
      assert.notEqual(human.exitCode, 0)
      assert.equal(human.stdout, '')
      assert.match(human.stderr, pattern)
    }
  })

  it('writes nothing over an existing file without --force', async () => {
    const dir = join(root, 'existing')
    await mkdir(dir)
    await writeFile(join(dir, 'limg.json'), 'not mine to lose')
    const run = await limg(['init', dir, '--yes', '--json'], root)
    assert.equal(run.exitCode, 2)
    assert.match((run.json.error as {message: string}).message, /limg\.json/)
    assert.deepEqual(await readdir(dir), ['limg.json'])
    assert.equal(await readFile(join(dir, 'limg.json'), 'utf8'), 'not mine to lose')

    const forced = await limg(['init', dir, '--yes', '--json', '--force'], root)
    assert.equal(forced.exitCode, 0, forced.stdout)
    assert.equal(JSON.parse(await readFile(join(dir, 'limg.json'), 'utf8')).name, 'existing')
  })

  it('adopts a copy of an existing project without changing a byte', async () => {
    const source = join(root, 'adopt-source')
    await mkdir(join(source, 'lib'), {recursive: true})
    await writeFile(join(source, 'package.json'), '{\n  "name": "orders",\n  "version": "2.0.0"\n}\n')
    await writeFile(join(source, 'package-lock.json'), '{"name":"orders","version":"2.0.0","lockfileVersion":2,"requires":true,"packages":{"":{"name":"orders","version":"2.0.0"}}}\n')
    await writeFile(join(source, 'index.mjs'), "import {total} from './lib/total.mjs'\nconst rates = await Promise.resolve({eur: 1})\nexport const handler = async (event) => ({statusCode: 200, body: JSON.stringify({total: total(event.items ?? []), rates})})\n")
    await writeFile(join(source, 'lib', 'total.mjs'), 'export const total = (items) => items.length\n')
    const dir = join(root, 'adopt')
    await cp(source, dir, {recursive: true})
    const before = await snapshot(dir)

    const run = await limg(['init', dir, '--yes', '--json', '--runtime', 'nodejs20.x'], root)
    assert.equal(run.exitCode, 0, run.stdout)
    assert.equal(run.json.adopted, true)
    assert.equal(run.json.template, 'esm')
    assert.equal(run.json.handler, 'index.handler')
    assert.deepEqual(run.json.files, ['limg.json', '.dockerignore'])
    const after = await snapshot(dir)
    for (const [path, bytes] of Object.entries(before)) assert.equal(after[path], bytes, `${path} changed`)
    assert.deepEqual(Object.keys(after).sort(), [...Object.keys(before), '.dockerignore', 'limg.json'].sort())

    const df = await limg(['dockerfile', '--json', '--dir', dir], root)
    assert.match(df.json.dockerfile as string, /CMD \["index\.handler"\]/)
  })

  it('adopts a project whose handler it cannot find only with --handler', async () => {
    const dir = join(root, 'adopt-handler')
    await mkdir(dir)
    await writeFile(join(dir, 'package.json'), '{}')
    await writeFile(join(dir, 'worker.cjs'), 'module.exports.go = async () => 1\n')
    const run = await limg(['init', dir, '--yes', '--json'], root)
    assert.equal(run.exitCode, 2)
    assert.match((run.json.error as {suggestion: string}).suggestion, /--handler/)
    assert.deepEqual((await readdir(dir)).sort(), ['package.json', 'worker.cjs'])
    const withHandler = await limg(['init', dir, '--yes', '--json', '--handler', 'worker.go'], root)
    assert.equal(withHandler.exitCode, 0, withHandler.stdout)
    assert.equal(withHandler.json.template, 'commonjs')
  })

  it('says what is wrong with a target that is a file, or under one, in one line (exit 2)', async () => {
    const file = join(root, 'a-file')
    await writeFile(file, 'keep me')
    for (const [target, message] of [
      [file, `${file} is a file; limg init needs a folder there.`],
      [join(file, 'sub'), `Cannot use ${join(file, 'sub')} for the project: a part of the path is a file, not a folder.`],
    ]) {
      const run = await limg(['init', target, '--yes'], root)
      assert.equal(run.exitCode, 2, run.stderr)
      assert.equal(run.stdout, '')
      assert.equal(run.stderr.split('\n').length, 1, run.stderr)
      assert.ok(run.stderr.startsWith(`Error: ${message} `), run.stderr)
      assert.equal(await readFile(file, 'utf8'), 'keep me')
    }
  })

  it('says a folder cannot be written, for a user without permission and for an immutable folder (exit 2)', async function () {
    // Both need root: to run limg as another user, and to make a folder immutable.
    if (process.getuid?.() !== 0) this.skip()
    // mkdtemp makes 0700 folders, which another user could not even look into.
    const parent = await mkdtemp(join(tmpdir(), 'limg-e2e-locked-'))
    await chmod(parent, 0o755)
    const locked = join(parent, 'root-only')
    await mkdir(locked, {mode: 0o755})
    const home = await mkdtemp(join(tmpdir(), 'limg-e2e-nobody-'))
    await execa('chown', ['nobody', home])
    try {
      // The real thing: limg run by a user who may read the folder but not write into it.
      const asNobody = await execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', BIN, 'init', join(locked, 'fn'), '--yes', '--json'], {
        cwd: home,
        reject: false,
        env: {HOME: home, PATH: process.env.PATH, CI: '1', NO_COLOR: '1'},
        extendEnv: false,
      })
      assert.equal(asNobody.exitCode, 2, asNobody.stdout + asNobody.stderr)
      const error = (JSON.parse(asNobody.stdout) as {error: {message: string; suggestion: string}}).error
      assert.equal(error.message, `Cannot write into ${locked} (to create ${join(locked, 'fn')} in it): permission denied.`)
      assert.match(error.suggestion, /permissions/)
      assert.deepEqual(await readdir(locked), [])

      await execa('chattr', ['+i', locked])
      try {
        const immutable = await limg(['init', locked, '--yes'], root)
        assert.equal(immutable.exitCode, 2, immutable.stderr)
        assert.match(immutable.stderr, new RegExp(`^Error: Cannot write into ${locked}: operation not permitted \\(is it immutable\\?\\)\\. [^\\n]*$`))
      } finally {
        await execa('chattr', ['-i', locked])
      }
      assert.deepEqual(await readdir(locked), [])
    } finally {
      await rm(home, {recursive: true, force: true})
      await rm(parent, {recursive: true, force: true})
    }
  })

  it('shows examples in help', async () => {
    const top = await limg(['--help'], root)
    assert.match(top.stdout, /\$ limg init /)
    const init = await limg(['init', '--help'], root)
    assert.match(init.stdout, /EXAMPLES[\s\S]*\$ limg init my-function/)
    assert.match(init.stdout, /--runtime=<option>[\s\S]*nodejs12\.x/)
  })
})
