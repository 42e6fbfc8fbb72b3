import {chmod, mkdir, mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import type {ArchitectureInfo, Runtime} from '../../../src/catalog/runtimes.js'
import {systemCacheKey} from '../../../src/base-image/debian-system.js'
import {nodeCacheKey, npmCacheKey} from '../../../src/base-image/npm-fetch.js'
import {sdkCacheKey} from '../../../src/base-image/sdk.js'

export {readTar, type TarEntry} from '../../support/fakes/images.js'

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
