import {chmod, mkdir, mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import type {Readable} from 'node:stream'
import {extract} from 'tar-stream'
import type {ArchitectureInfo, Runtime} from '../../../src/catalog/runtimes.js'
import type {BuildEvent, BuildStreamResult} from '../../../src/engine/build-stream.js'
import type {BuildImageOptions, Engine, ImageInfo} from '../../../src/engine/engine.js'
import {systemCacheKey} from '../../../src/base-image/debian-system.js'
import {nodeCacheKey, npmCacheKey} from '../../../src/base-image/npm-fetch.js'
import {sdkCacheKey} from '../../../src/base-image/sdk.js'

export interface TarEntry {
  name: string
  type: string
  mode: number
  uid: number
  gid: number
  linkname?: string
  content?: string
}

/** Reads a tar stream into its entries (contents as text, for small files). */
export async function readTar(stream: Readable): Promise<TarEntry[]> {
  const entries: TarEntry[] = []
  const tar = extract()
  const done = (async () => {
    for await (const entry of tar) {
      const chunks: Buffer[] = []
      for await (const chunk of entry) chunks.push(chunk as Buffer)
      const {name, type, mode, uid, gid, linkname} = entry.header
      entries.push({name, type, mode, uid, gid, ...(linkname ? {linkname} : {}), ...(type === 'file' ? {content: Buffer.concat(chunks).toString('utf8')} : {})})
    }
  })()
  stream.on('error', (error) => tar.destroy(error))
  stream.pipe(tar as unknown as NodeJS.WritableStream)
  await done
  return entries
}

/** An engine that reads the build context and remembers the image it "built". */
export class FakeEngine implements Engine {
  readonly target = 'fake://engine'
  readonly builds: Array<{options: BuildImageOptions; entries: TarEntry[]}> = []
  readonly images = new Map<string, ImageInfo>()
  /** The architecture the next build records, to simulate an engine that gets it wrong. */
  recordArchitecture: string | undefined

  async ping(): Promise<void> {}

  async buildImage(context: Readable, options: BuildImageOptions, onEvent?: (event: BuildEvent) => void): Promise<BuildStreamResult> {
    const entries = await readTar(context)
    this.builds.push({options, entries})
    onEvent?.({type: 'step', index: 1, total: 1, instruction: 'FROM scratch'})
    const id = `sha256:${String(this.builds.length).padStart(64, '0')}`
    const architecture = this.recordArchitecture ?? options.platform.split('/')[1]
    for (const tag of options.tags) {
      this.images.set(tag, {
        id, architecture, os: 'linux', sizeBytes: 1234, labels: {...options.labels}, cmd: [], entrypoint: ['/lambda-entrypoint.sh'],
        env: [], workingDir: '/var/task', repoTags: [tag], repoDigests: [], created: new Date(0).toISOString(),
      })
    }
    return {imageId: id, steps: 1, cachedSteps: 0}
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    return this.images.get(ref)
  }

  async pullImage(): Promise<void> {
    throw new Error('the fake engine pulls nothing')
  }

  async tagImage(): Promise<void> {}

  async existingPaths(): Promise<string[]> {
    return []
  }

  async removeImage(ref: string): Promise<void> {
    this.images.delete(ref)
  }
}

export async function writeFiles(root: string, files: Record<string, string>, executable: string[] = []): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), {recursive: true})
    await writeFile(join(root, path), content)
    if (executable.includes(path)) await chmod(join(root, path), 0o755)
  }
}

/** A limg install folder with Dockerfile.base, the rootfs template and placeholder base/ files. */
export async function fakePackageRoot(dockerfile: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'limg-unit-pkg-'))
  await writeFiles(root, {
    'Dockerfile.base': dockerfile,
    'templates/base-image/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n',
    'templates/base-image/etc/group': 'root:x:0:\n',
    'base/lambda-entrypoint.sh': '#!/bin/sh\nexit 142\n',
    'base/runtime/bootstrap': '#!/bin/sh\n',
    'base/runtime/limg-ric/main.js': '// client\n',
    'base/rie/aws-lambda-rie': '#!/usr/bin/env node\n',
  })
  return root
}

/** A cache folder that already holds every download of the runtime and architecture, so nothing is fetched. */
export async function fakeFilledCache(runtime: Runtime, arch: ArchitectureInfo): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'limg-unit-cache-'))
  await writeFiles(join(root, systemCacheKey(arch), 'root'), {'bin/busybox': 'busybox', 'etc/pki/tls/certs/ca-bundle.crt': 'PEM'})
  await writeFiles(join(root, nodeCacheKey(runtime.offline.node, arch)), {node: 'ELF'})
  await writeFiles(join(root, npmCacheKey(runtime.offline.npm), 'package'), {
    'bin/npm-cli.js': '#!/usr/bin/env node\n',
    'bin/npx-cli.js': '#!/usr/bin/env node\n',
    'package.json': '{}',
  })
  await writeFiles(join(root, sdkCacheKey(runtime), 'node_modules'), {'aws-sdk/package.json': '{}'})
  return root
}
