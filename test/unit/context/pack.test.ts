import {strict as assert} from 'node:assert'
import {execFileSync} from 'node:child_process'
import {mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Readable} from 'node:stream'
import {extract} from 'tar-stream'
import {packContext} from '../../../src/context/pack.js'

interface Entry {
  name: string
  type: string
  linkname?: string
  uid?: number
  body: string
}

async function entries(stream: Readable): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>()
  const ex = extract()
  stream.pipe(ex as unknown as NodeJS.WritableStream)
  for await (const entry of ex) {
    const chunks: Buffer[] = []
    for await (const chunk of entry) chunks.push(chunk as Buffer)
    const h = entry.header
    out.set(h.name.replace(/^\.\//, ''), {name: h.name, type: h.type ?? 'file', ...(h.linkname ? {linkname: h.linkname} : {}), ...(h.uid === undefined ? {} : {uid: h.uid}), body: Buffer.concat(chunks).toString()})
  }
  return out
}

describe('build context packing', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-pack-'))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('applies .dockerignore, keeps exceptions, sends links as links and appends injected files', async () => {
    await writeFile(join(dir, '.dockerignore'), 'node_modules\n.env\n*.md\n!README.md\ndocs\n!docs/keep.txt\nDockerfile\n')
    await writeFile(join(dir, 'index.js'), 'exports.handler = 1')
    await writeFile(join(dir, '.env'), 'SECRET=1')
    await writeFile(join(dir, 'NOTES.md'), 'x')
    await writeFile(join(dir, 'README.md'), 'x')
    await writeFile(join(dir, 'Dockerfile'), 'FROM x')
    await mkdir(join(dir, 'docs'))
    await writeFile(join(dir, 'docs/keep.txt'), 'k')
    await writeFile(join(dir, 'docs/drop.txt'), 'd')
    await mkdir(join(dir, 'node_modules/pkg'), {recursive: true})
    // A FIFO makes tar-fs fail if it is ever reached: proof that the ignored folder is not walked.
    execFileSync('mkfifo', [join(dir, 'node_modules/pkg/fifo')])
    await symlink('/etc/passwd', join(dir, 'passwd-link'))
    await writeFile(join(dir, '.limg-build.Dockerfile'), 'stale copy in the project')

    const packed = packContext(dir, {inject: [{path: '.limg-build.Dockerfile', content: 'FROM base\n'}], engineDrops: ['.limg-build.Dockerfile']})
    const got = await entries(packed.stream)

    assert.ok(got.has('index.js'))
    assert.ok(got.has('README.md'))
    assert.ok(got.has('docs/keep.txt'))
    for (const gone of ['.env', 'NOTES.md', 'docs/drop.txt', 'node_modules', 'node_modules/pkg', 'Dockerfile']) assert.ok(!got.has(gone), `${gone} should be left out`)
    const link = got.get('passwd-link')
    assert.equal(link?.type, 'symlink')
    assert.equal(link?.linkname, '/etc/passwd')
    assert.equal(link?.body, '')
    assert.equal(got.get('.limg-build.Dockerfile')?.body, 'FROM base\n')
    const ignore = got.get('.dockerignore')?.body ?? ''
    assert.match(ignore, /^node_modules$/m, 'the project\'s patterns reach the engine')
    assert.match(ignore, /^\/\.limg-build\.Dockerfile$/m)
    assert.match(ignore, /^\/\.dockerignore$/m)
    assert.equal(got.get('index.js')?.uid, 0)
    assert.ok(packed.stats.files >= 5)
  })

  it('puts what limg adds for the build\'s steps back after the project\'s patterns, which Podman applies to COPY sources', async () => {
    await writeFile(join(dir, '.dockerignore'), '*.pem\n.npmrc\n')
    const packed = packContext(dir, {
      inject: [{path: '.limg-build.Dockerfile', content: 'FROM base\n'}, {path: '.limg-build-ca.pem', content: 'CA'}, {path: '.limg-build-install/.npmrc', content: 'registry=x'}],
      engineDrops: ['.limg-build.Dockerfile'],
    })
    const ignore = (await entries(packed.stream)).get('.dockerignore')?.body ?? ''
    const lines = ignore.trim().split('\n')
    assert.deepEqual(lines, [
      '*.pem',
      '.npmrc',
      '',
      '!/.limg-build-ca.pem',
      '!/.limg-build-ca.pem/**',
      '!/.limg-build-install/.npmrc',
      '!/.limg-build-install/.npmrc/**',
      '/.dockerignore',
      '/.limg-build.Dockerfile',
    ])
  })

  it('sends everything when there is no .dockerignore', async () => {
    await writeFile(join(dir, 'a.js'), '1')
    await mkdir(join(dir, 'node_modules/x'), {recursive: true})
    await writeFile(join(dir, 'node_modules/x/i.js'), '1')
    const got = await entries(packContext(dir).stream)
    assert.ok(got.has('a.js'))
    assert.ok(got.has('node_modules/x/i.js'))
    assert.ok(!got.has('.dockerignore'))
  })
})
