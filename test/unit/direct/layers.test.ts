import assert from 'node:assert/strict'
import {chmod, mkdir, mkdtemp, rm, utimes, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {assembleImage} from '../../../src/direct/image.js'
import {treeEntries, writeLayer} from '../../../src/direct/layer.js'
import {checkNativeAddons} from '../../../src/direct/native-addons.js'
import {BlobCache} from '../../../src/registry/blob-cache.js'

describe('direct builder: layers, image, native addons', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'limg-layers-'))
  })
  afterEach(async () => {
    await rm(root, {recursive: true, force: true})
  })

  async function project(dir: string, mode: number, mtime: Date): Promise<void> {
    await mkdir(join(dir, 'lib'), {recursive: true})
    await writeFile(join(dir, 'index.js'), 'exports.handler = async () => 1\n')
    await writeFile(join(dir, 'lib', 'b.js'), 'module.exports = 2\n')
    await writeFile(join(dir, 'lib', 'a.js'), 'module.exports = 3\n')
    await chmod(join(dir, 'index.js'), mode)
    await utimes(join(dir, 'index.js'), mtime, mtime)
  }

  it('gives the same layer digest for the same files, whatever their times, umask-made modes and creation order', async () => {
    const cache = new BlobCache({LIMG_CACHE_DIR: join(root, 'cache')})
    await project(join(root, 'one'), 0o644, new Date('2020-01-01'))
    await project(join(root, 'two'), 0o664, new Date('2024-06-01'))
    const one = await writeLayer(await treeEntries(join(root, 'one'), 'var/task'), cache)
    const two = await writeLayer(await treeEntries(join(root, 'two'), 'var/task'), cache)
    assert.equal(one.digest, two.digest)
    assert.equal(one.diffId, two.diffId)
    assert.ok(await cache.has(one.digest, one.size))
    await writeFile(join(root, 'two', 'index.js'), 'exports.handler = async () => 2\n')
    assert.notEqual((await writeLayer(await treeEntries(join(root, 'two'), 'var/task'), cache)).digest, one.digest)
  })

  it('keeps the base config, sets CMD and labels, appends layers, and is the same for the same input', () => {
    const base = {
      config: {architecture: 'arm64', os: 'linux', created: '2026-01-01T00:00:00Z', container_config: {Cmd: ['x']}, config: {Entrypoint: ['/lambda-entrypoint.sh'], Env: ['A=1'], WorkingDir: '/var/task', Labels: {'limg.base.runtime': 'nodejs24.x'}}, rootfs: {type: 'layers', diff_ids: ['sha256:b']}},
      layers: [{digest: 'sha256:l1', size: 10, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip'}],
    }
    const layer = {digest: 'sha256:c', diffId: 'sha256:d', size: 5, uncompressedSize: 9, createdBy: 'code'}
    const one = assembleImage(base, [layer], 'index.handler', {limg: 'true'})
    const two = assembleImage(structuredClone(base), [{...layer}], 'index.handler', {limg: 'true'})
    assert.equal(one.manifestDigest, two.manifestDigest)
    const config = JSON.parse(one.config.toString()) as {config: {Cmd: string[]; Entrypoint: string[]; Env: string[]; Labels: Record<string, string>}; rootfs: {diff_ids: string[]}; created: string; container_config?: unknown}
    assert.deepEqual(config.config.Cmd, ['index.handler'])
    assert.deepEqual(config.config.Entrypoint, ['/lambda-entrypoint.sh'])
    assert.deepEqual(config.config.Env, ['A=1'])
    assert.deepEqual(config.config.Labels, {'limg.base.runtime': 'nodejs24.x', limg: 'true'})
    assert.deepEqual(config.rootfs.diff_ids, ['sha256:b', 'sha256:d'])
    assert.equal(config.created, '1970-01-01T00:00:00Z')
    assert.equal(config.container_config, undefined)
    const manifest = JSON.parse(one.manifest.toString()) as {mediaType: string; layers: Array<{mediaType: string; digest: string}>}
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json')
    assert.deepEqual(manifest.layers.map((l) => l.mediaType), ['application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.oci.image.layer.v1.tar+gzip'])
  })

  it('refuses a package with binding.gyp or a compiling install script, unless it ships a prebuilt for the target', async () => {
    const modules = join(root, 'node_modules')
    const pkg = async (name: string, manifest: object, files: Record<string, string> = {}): Promise<void> => {
      await mkdir(join(modules, name), {recursive: true})
      await writeFile(join(modules, name, 'package.json'), JSON.stringify({name, version: '1.0.0', ...manifest}))
      for (const [file, text] of Object.entries(files)) {
        await mkdir(join(modules, name, file, '..'), {recursive: true})
        await writeFile(join(modules, name, file), text)
      }
    }
    await pkg('plain', {})
    await pkg('esbuild', {scripts: {postinstall: 'node install.js'}})
    const scan = await checkNativeAddons(modules, 'arm64', 'arm64')
    assert.deepEqual(scan.skippedScripts, ['esbuild@1.0.0 (postinstall: node install.js)'])
    await pkg('@scope/prebuilt', {scripts: {install: 'node-gyp-build'}}, {'prebuilds/linux-arm64/addon.node': 'x'})
    await checkNativeAddons(modules, 'arm64', 'arm64')
    await assert.rejects(checkNativeAddons(modules, 'x64', 'x86_64'), /@scope\/prebuilt@1\.0\.0 compiles native code .*linux-x64.*/)
    await rm(join(modules, '@scope'), {recursive: true})
    await pkg('gyp-only', {}, {'binding.gyp': '{}'})
    await assert.rejects(checkNativeAddons(modules, 'x64', 'x86_64'), (error: Error & {suggestion?: string}) => /gyp-only@1\.0\.0 .*binding\.gyp/.test(error.message) && /--builder engine/.test(error.suggestion ?? ''))
  })
})
