import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {BuildFailedError, RegistryError} from '../../../src/errors/index.js'
import {checkManifest} from '../../../src/registry/manifest-check.js'
import {MEDIA_TYPES, type FetchedManifest, registryBaseUrl} from '../../../src/registry/registry-http.js'

function fakeRegistry(manifest: Record<string, unknown>, config: Record<string, unknown>) {
  const body = Buffer.from(JSON.stringify(manifest))
  return {
    async manifest(): Promise<FetchedManifest> {
      return {mediaType: String(manifest.mediaType ?? ''), digest: `sha256:${createHash('sha256').update(body).digest('hex')}`, body, json: manifest}
    },
    async blobJson(): Promise<Record<string, unknown>> {
      return config
    },
  }
}

const single = (mediaType: string) => ({schemaVersion: 2, mediaType, config: {digest: 'sha256:c', size: 1}, layers: [{size: 10}, {size: 5}]})

describe('checkManifest', () => {
  it('accepts a Docker v2 schema 2 or OCI manifest for the function architecture', async () => {
    for (const type of [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest]) {
      const r = await checkManifest(fakeRegistry(single(type), {architecture: 'arm64', os: 'linux'}), 'r', 't', 'arm64')
      assert.equal(r.mediaType, type)
      assert.equal(r.architecture, 'arm64')
      assert.equal(r.layers, 2)
      assert.equal(r.layerBytes, 15)
    }
  })

  it('refuses both kinds of index, saying how to build a single-platform image', async () => {
    for (const type of [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]) {
      await assert.rejects(checkManifest(fakeRegistry({schemaVersion: 2, mediaType: type, manifests: []}, {}), 'r', 't', 'x86_64'), (e: unknown) => {
        assert.ok(e instanceof BuildFailedError)
        assert.match(e.message, /Lambda rejects/)
        assert.match(e.suggestion ?? '', /--provenance=false/)
        return true
      })
    }
  })

  it('refuses an index even without a mediaType field', async () => {
    await assert.rejects(checkManifest(fakeRegistry({schemaVersion: 2, manifests: []}, {}), 'r', 't', 'x86_64'), BuildFailedError)
  })

  it('refuses the other architecture (amd64 is x86_64)', async () => {
    await assert.rejects(checkManifest(fakeRegistry(single(MEDIA_TYPES.dockerManifest), {architecture: 'amd64'}), 'r', 't', 'arm64'), /amd64 image, but the function is arm64/)
    const ok = await checkManifest(fakeRegistry(single(MEDIA_TYPES.dockerManifest), {architecture: 'amd64'}), 'r', 't', 'x86_64')
    assert.equal(ok.architecture, 'amd64')
  })

  it('refuses schema 1 and unknown types', async () => {
    await assert.rejects(checkManifest(fakeRegistry({schemaVersion: 1, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws'}, {}), 'r', 't', 'x86_64'), /Lambda accepts only/)
  })
})

describe('registryBaseUrl', () => {
  it('allows plain HTTP only to this machine', () => {
    assert.equal(registryBaseUrl('http://127.0.0.1:5000').href, 'http://127.0.0.1:5000/')
    assert.equal(registryBaseUrl('http://localhost:5000').host, 'localhost:5000')
    assert.equal(registryBaseUrl('https://1.dkr.ecr.eu-west-1.amazonaws.com').protocol, 'https:')
    assert.throws(() => registryBaseUrl('http://1.dkr.ecr.eu-west-1.amazonaws.com'), RegistryError)
    assert.throws(() => registryBaseUrl('http://10.0.0.1:5000'), RegistryError)
  })
})
