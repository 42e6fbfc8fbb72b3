import {strict as assert} from 'node:assert'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describeKeptOut, isSecretPath} from '../../../src/context/deny-list.js'

describe('the secret deny list', () => {
  it('keeps credentials out at any depth', () => {
    for (const path of ['.env', 'sub/.env', '.env.production', 'a/b/.env.local', '.npmrc', 'pkg/.npmrc', '.yarnrc.yml', '.aws', 'x/.aws', '.ssh', 'server.key', 'certs/tls.key', 'id_rsa', 'keys/id_ed25519.pub', '.git', 'vendor/lib/.git', 'store.p12', 'terraform.tfstate', '.netrc', '.docker']) {
      assert.ok(isSecretPath(path), path)
    }
  })

  it('lets through what is not a secret', () => {
    for (const path of ['.env.example', 'sub/.env.sample', '.env.template', 'index.js', 'environment.js', 'keys.js', 'keyboard/index.js', 'gitignore.txt', '.github', 'monkey.js']) {
      assert.ok(!isSecretPath(path), path)
    }
  })

  it('keeps a PEM file out only when it holds a private key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'limg-deny-'))
    try {
      await writeFile(join(dir, 'bundle.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
      await writeFile(join(dir, 'key.pem'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n')
      await writeFile(join(dir, 'openssh.pem'), '-----BEGIN OPENSSH PRIVATE KEY-----\n')
      assert.equal(isSecretPath('bundle.pem', join(dir, 'bundle.pem')), false)
      assert.equal(isSecretPath('key.pem', join(dir, 'key.pem')), true)
      assert.equal(isSecretPath('openssh.pem', join(dir, 'openssh.pem')), true)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('names what it kept out, files first, cutting a long list', () => {
    assert.equal(describeKeptOut(['.git/', 'b.key', '.env']), '.env, b.key, .git/')
    assert.equal(describeKeptOut(['a', 'b', 'c', 'd'], 2), 'a, b and 2 more')
  })
})
