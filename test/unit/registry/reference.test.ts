import assert from 'node:assert/strict'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {dockerConfigLogin} from '../../../src/registry/docker-config.js'
import {apiHost, parseReference} from '../../../src/registry/reference.js'
import {parseChallenge} from '../../../src/registry/registry-http.js'

describe('image references, challenges and docker logins', () => {
  it('reads references as Docker does', () => {
    assert.deepEqual(parseReference('public.ecr.aws/lambda/nodejs:20-x86_64'), {registry: 'public.ecr.aws', repository: 'lambda/nodejs', reference: '20-x86_64'})
    assert.deepEqual(parseReference('127.0.0.1:5000/base/nodejs'), {registry: '127.0.0.1:5000', repository: 'base/nodejs', reference: 'latest'})
    assert.deepEqual(parseReference('node:20'), {registry: 'docker.io', repository: 'library/node', reference: '20'})
    assert.deepEqual(parseReference('localhost/x@sha256:' + 'a'.repeat(64)), {registry: 'localhost', repository: 'x', reference: `sha256:${'a'.repeat(64)}`})
    assert.deepEqual(parseReference('amazon/aws-lambda-nodejs:20'), {registry: 'docker.io', repository: 'amazon/aws-lambda-nodejs', reference: '20'})
    assert.equal(apiHost('docker.io'), 'registry-1.docker.io')
    assert.throws(() => parseReference('Bad Ref'), /Invalid image reference/)
  })

  it('takes a Bearer challenge apart', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws"'), {
      scheme: 'bearer',
      params: {realm: 'https://public.ecr.aws/token/', service: 'public.ecr.aws', scope: 'aws'},
    })
    assert.equal(parseChallenge('Basic realm="limg-test"')?.scheme, 'basic')
  })

  it('reads a docker login from DOCKER_CONFIG, else ~/.docker, in memory', async () => {
    const home = await mkdtemp(join(tmpdir(), 'limg-login-'))
    try {
      await mkdir(join(home, '.docker'))
      await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({auths: {'registry.example.com': {auth: Buffer.from('me:secret').toString('base64')}, 'https://index.docker.io/v1/': {username: 'hub', password: 'pw'}}}))
      assert.deepEqual(await dockerConfigLogin('registry.example.com', {}, home), {username: 'me', password: 'secret'})
      assert.deepEqual(await dockerConfigLogin('registry-1.docker.io', {}, home), {username: 'hub', password: 'pw'})
      assert.equal(await dockerConfigLogin('other.example.com', {}, home), undefined)
      assert.equal(await dockerConfigLogin('registry.example.com', {DOCKER_CONFIG: join(home, 'none')}, home), undefined)
    } finally {
      await rm(home, {recursive: true, force: true})
    }
  })

  it('asks the credential helper credHelpers names for the registry, else the credsStore one, as the Docker CLI does', async () => {
    const home = await mkdtemp(join(tmpdir(), 'limg-login-'))
    try {
      const bin = join(home, 'bin')
      await mkdir(bin)
      await mkdir(join(home, '.docker'))
      // Two helpers on PATH, each answering for one server and failing as Docker's helpers do otherwise.
      const helper = (server: string, user: string) =>
        `#!/bin/sh\n[ "$1" = get ] || exit 2\nread -r server\nif [ "$server" = "${server}" ]; then printf '{"ServerURL":"%s","Username":"${user}","Secret":"s3cret"}' "$server"; else echo "credentials not found in native keychain"; exit 1; fi\n`
      await writeFile(join(bin, 'docker-credential-per-registry'), helper('private.example.com', 'ci'), {mode: 0o755})
      await writeFile(join(bin, 'docker-credential-store'), helper('https://index.docker.io/v1/', 'hubuser'), {mode: 0o755})
      await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({
        auths: {'private.example.com': {}, 'plain.example.com': {auth: Buffer.from('me:pw').toString('base64')}},
        credsStore: 'store',
        credHelpers: {'private.example.com': 'per-registry', 'broken.example.com': '../../bin/sh'},
      }))
      const env = {PATH: `${bin}:/usr/bin:/bin`}
      assert.deepEqual(await dockerConfigLogin('private.example.com', env, home), {username: 'ci', password: 's3cret'})
      assert.deepEqual(await dockerConfigLogin('registry-1.docker.io', env, home), {username: 'hubuser', password: 's3cret'})
      // The store knows nothing for this one: the auths entry answers.
      assert.deepEqual(await dockerConfigLogin('plain.example.com', env, home), {username: 'me', password: 'pw'})
      // A helper name that is a path is never run.
      assert.equal(await dockerConfigLogin('broken.example.com', env, home), undefined)
      // A helper missing from PATH is no login, not a crash.
      assert.equal(await dockerConfigLogin('private.example.com', {PATH: '/nonexistent'}, home), undefined)
    } finally {
      await rm(home, {recursive: true, force: true})
    }
  })
})
