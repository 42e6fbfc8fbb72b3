import {strict as assert} from 'node:assert'
import {createHmac, randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {knownHostsCheck} from '../../../src/docker/ssh-known-hosts.js'

const KEY = randomBytes(51)
const OTHER = randomBytes(51)
const b64 = (key: Buffer): string => key.toString('base64')

function hashed(name: string): string {
  const salt = randomBytes(20)
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
}

describe('checking an ssh:// engine host\'s key against known_hosts', () => {
  let dir = ''
  let file = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-known-hosts-'))
    file = join(dir, 'known_hosts')
  })
  afterEach(() => rm(dir, {recursive: true, force: true}))

  it('accepts the key listed for the host, by plain or hashed name, in a list or by wildcard', async () => {
    for (const names of ['build-1', `other,build-1`, hashed('build-1'), 'build-?', '*.lan,build*']) {
      await writeFile(file, `# a comment\n\n${names} ssh-ed25519 ${b64(KEY)}\n`)
      assert.equal(knownHostsCheck('build-1', 22, [file]).verify(KEY), true, names)
    }
  })

  it('names [host]:port for another port, as OpenSSH records it', async () => {
    await writeFile(file, `[build-1]:2222 ssh-ed25519 ${b64(KEY)}\nbuild-1 ssh-ed25519 ${b64(OTHER)}\n`)
    assert.equal(knownHostsCheck('build-1', 2222, [file]).verify(KEY), true)
    assert.equal(knownHostsCheck('build-1', 22, [file]).verify(KEY), false)
  })

  it('refuses a host it does not list, a changed key, a revoked key and a negated name, saying which', async () => {
    await writeFile(file, `build-2 ssh-ed25519 ${b64(KEY)}\n`)
    const unknown = knownHostsCheck('build-1', 22, [file, join(dir, 'missing')])
    assert.equal(unknown.verify(KEY), false)
    assert.match(unknown.refusal()!, /it is not in .*known_hosts or .*missing/)
    await writeFile(file, `build-1 ssh-ed25519 ${b64(OTHER)}\n`)
    const changed = knownHostsCheck('build-1', 22, [file])
    assert.equal(changed.verify(KEY), false)
    assert.match(changed.refusal()!, /REMOTE HOST IDENTIFICATION HAS CHANGED/)
    await writeFile(file, `build-1 ssh-ed25519 ${b64(KEY)}\n@revoked build-1 ssh-ed25519 ${b64(KEY)}\n`)
    const revoked = knownHostsCheck('build-1', 22, [file])
    assert.equal(revoked.verify(KEY), false)
    assert.match(revoked.refusal()!, /@revoked/)
    await writeFile(file, `build-*,!build-1 ssh-ed25519 ${b64(KEY)}\n@cert-authority build-1 ssh-ed25519 ${b64(KEY)}\n`)
    assert.equal(knownHostsCheck('build-1', 22, [file]).verify(KEY), false, 'neither the negated list nor a CA line vouches for it')
  })
})
