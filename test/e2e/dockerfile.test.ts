import {strict as assert} from 'node:assert'
import {chmod, mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {BIN, type CliRun, limg as runLimg} from '../support/cli.js'



function limg(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runLimg(args, cwd, {env})
}

describe('limg dockerfile (e2e)', function () {
  this.timeout(120_000)
  let root: string
  let dir: string

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'limg-e2e-dockerfile-'))
    dir = join(root, 'fn')
    const init = await limg(['init', dir, '--yes', '--json', '--runtime', 'nodejs14.x', '--template', 'typescript'], root)
    assert.equal(init.exitCode, 0, init.stdout)
  })
  after(async () => {
    await rm(root, {recursive: true, force: true})
  })

  it('prints the rendered Dockerfile in human mode, and the same text in --json', async () => {
    const human = await limg(['dockerfile'], dir)
    assert.equal(human.exitCode, 0, human.stderr)
    const json = await limg(['dockerfile', '--json'], dir)
    assert.equal(`${json.json.dockerfile as string}`.trimEnd(), human.stdout.trimEnd())
    assert.deepEqual({...json.json, dockerfile: undefined}, {
      dockerfile: undefined,
      source: 'template',
      runtime: 'nodejs14.x',
      arch: 'x86_64',
      template: 'typescript',
      baseImage: 'public.ecr.aws/lambda/nodejs:14-x86_64',
      written: false,
      warnings: [],
    })
    assert.match(human.stdout, /^RUN npm ci --only=production && mkdir -p node_modules$/m)
    assert.match(human.stdout, /^COPY --from=build \/var\/task\/dist \.\/$/m)
  })

  it('changes only the BASE_IMAGE line for --arch and --base-image', async () => {
    const plain = (await limg(['dockerfile', '--json', '--dir', dir], root)).json.dockerfile as string
    const arm = await limg(['dockerfile', '--json', '--dir', dir, '--arch', 'arm64'], root)
    assert.equal(arm.json.arch, 'arm64')
    assert.equal(arm.json.baseImage, 'public.ecr.aws/lambda/nodejs:14-arm64')
    const mirror = await limg(['dockerfile', '--json', '--dir', dir, '--base-image', 'mirror.example/lambda/nodejs:14'], root)
    assert.equal(mirror.json.baseImage, 'mirror.example/lambda/nodejs:14')
    const rest = (text: string): string => text.split('\n').slice(1).join('\n')
    assert.equal((arm.json.dockerfile as string).split('\n')[0], 'ARG BASE_IMAGE=public.ecr.aws/lambda/nodejs:14-arm64')
    assert.equal((mirror.json.dockerfile as string).split('\n')[0], 'ARG BASE_IMAGE=mirror.example/lambda/nodejs:14')
    assert.equal(rest(arm.json.dockerfile as string), rest(plain))
    assert.equal(rest(mirror.json.dockerfile as string), rest(plain))
    const fromEnv = await limg(['dockerfile', '--json', '--dir', dir], root, {LIMG_BASE_IMAGE: 'env.example/node:14'})
    assert.equal(fromEnv.json.baseImage, 'env.example/node:14')
  })

  it('writes the Dockerfile with --write, refuses to replace it without --force, then uses it as it is', async () => {
    const written = await limg(['dockerfile', '--json', '--write', '--dir', dir], root)
    assert.equal(written.exitCode, 0, written.stdout)
    assert.equal(written.json.written, true)
    assert.equal(written.json.path, join(dir, 'Dockerfile'))
    const onDisk = await readFile(join(dir, 'Dockerfile'), 'utf8')
    assert.equal(onDisk, written.json.dockerfile)
    assert.doesNotMatch(onDisk, /NODE_EXTRA_CA_CERTS|\{\{/)

    const again = await limg(['dockerfile', '--json', '--write', '--dir', dir], root)
    assert.equal(again.exitCode, 2)
    assert.match((again.json.error as {suggestion: string}).suggestion, /--force/)

    const edited = `${onDisk}# edited by hand\n`
    await writeFile(join(dir, 'Dockerfile'), edited)
    const used = await limg(['dockerfile', '--json', '--dir', dir], root)
    assert.equal(used.json.source, 'project')
    assert.equal(used.json.path, join(dir, 'Dockerfile'))
    assert.equal(used.json.dockerfile, edited)

    const forced = await limg(['dockerfile', '--json', '--write', '--force', '--dir', dir], root)
    assert.equal(forced.exitCode, 0)
    assert.equal(await readFile(join(dir, 'Dockerfile'), 'utf8'), onDisk)
    await rm(join(dir, 'Dockerfile'))
  })

  it('warns when a project Dockerfile cannot take --arch or --base-image', async () => {
    const own = join(root, 'own')
    await limg(['init', own, '--yes', '--json'], root)
    await writeFile(join(own, 'Dockerfile'), 'FROM mirror.example/custom-node:20\nCOPY . ./\nCMD ["index.handler"]\n')
    const run = await limg(['dockerfile', '--json', '--dir', own, '--arch', 'arm64'], root)
    assert.equal(run.exitCode, 0, run.stdout)
    assert.match((run.json.warnings as string[]).join(' '), /neither declares ARG BASE_IMAGE nor starts FROM AWS's Lambda Node\.js image/)
  })

  it("points a project Dockerfile's FROM of AWS's image at --base-image in the stream, and refuses another Node.js major", async () => {
    const own = join(root, 'own-aws')
    await limg(['init', own, '--yes', '--json', '--runtime', 'nodejs20.x'], root)
    const text = 'FROM public.ecr.aws/lambda/nodejs:20 AS build\nRUN true\nFROM public.ecr.aws/lambda/nodejs:20\nCOPY . ./\nCMD ["index.handler"]\n'
    await writeFile(join(own, 'Dockerfile'), text)
    const run = await limg(['dockerfile', '--json', '--dir', own, '--base-image', 'mirror.example/lambda/nodejs:20-x86_64'], root)
    assert.equal(run.exitCode, 0, run.stdout)
    assert.equal(run.json.dockerfile, text.replaceAll('public.ecr.aws/lambda/nodejs:20', 'mirror.example/lambda/nodejs:20-x86_64'))
    assert.match((run.json.warnings as string[]).join(' '), /FROM public\.ecr\.aws\/lambda\/nodejs:20 builds from mirror\.example\/lambda\/nodejs:20-x86_64, in the build only/)
    assert.equal(await readFile(join(own, 'Dockerfile'), 'utf8'), text, 'the file itself is unchanged')

    await writeFile(join(own, 'Dockerfile'), text.replaceAll(':20', ':22'))
    const mismatch = await limg(['dockerfile', '--json', '--dir', own], root)
    assert.equal(mismatch.exitCode, 2)
    const error = mismatch.json.error as {message: string; suggestion: string}
    assert.match(error.message, /builds FROM public\.ecr\.aws\/lambda\/nodejs:22 \(Node\.js 22\), but limg\.json's runtime is nodejs20\.x/)
    assert.match(error.suggestion, /"runtime": "nodejs22\.x"/)
  })

  it('fails with exit 2 and a suggestion outside a project, writing nothing', async () => {
    const empty = await mkdtemp(join(root, 'empty-'))
    const run = await limg(['dockerfile', '--json', '--write'], empty)
    assert.equal(run.exitCode, 2)
    const error = run.json.error as {message: string; suggestion: string}
    assert.match(error.message, /No limg\.json/)
    assert.match(error.suggestion, /limg init/)
    assert.deepEqual(await readdir(empty), [])
  })

  it('warns about a key limg.json holds that limg does not know, naming the closest, also in --json; a byte-order mark is fine', async () => {
    const typo = join(root, 'typo')
    const init = await limg(['init', typo, '--yes', '--json'], root)
    assert.equal(init.exitCode, 0, init.stdout)
    const file = join(typo, 'limg.json')
    const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
    await writeFile(file, `\uFEFF${JSON.stringify({...config, memroy: 1024})}`)
    const warning = `${file}: unknown key "memroy" is ignored; did you mean "memory"?`
    const json = await limg(['dockerfile', '--json'], typo)
    assert.equal(json.exitCode, 0, json.stdout)
    assert.deepEqual(json.json.warnings, [warning])
    const human = await limg(['dockerfile'], typo)
    assert.equal(human.exitCode, 0, human.stderr)
    assert.match(human.stderr, new RegExp(`^Warning: ${warning.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'))
  })

  it('says limg.json cannot be read by this user, in one line (exit 2)', async function () {
    if (process.getuid?.() !== 0) this.skip()
    const parent = await mkdtemp(join(tmpdir(), 'limg-e2e-unreadable-'))
    await chmod(parent, 0o755)
    const project = join(parent, 'fn')
    try {
      assert.equal((await limg(['init', project, '--yes'], parent)).exitCode, 0)
      await chmod(project, 0o755)
      await chmod(join(project, 'limg.json'), 0o600)
      const run = await execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', BIN, 'dockerfile'], {
        cwd: project,
        reject: false,
        env: {HOME: parent, PATH: process.env.PATH, CI: '1'},
        extendEnv: false,
      })
      assert.equal(run.exitCode, 2, run.stderr)
      assert.equal(run.stderr, `Error: Cannot read ${join(project, 'limg.json')}: permission denied. Give your user read access to it (chmod, chown), or run limg as its owner.`)
    } finally {
      await rm(parent, {recursive: true, force: true})
    }
  })
})
