import {createHash} from 'node:crypto'
import {rm} from 'node:fs/promises'
import {join} from 'node:path'
import type {Runtime} from '../catalog/runtimes.js'
import type {DownloadCache} from './cache.js'
import {runTool} from './tools.js'

/** The npm specs of the SDK a runtime bundles: every package at the runtime's pinned version. */
export function sdkSpecs(runtime: Runtime): string[] {
  return runtime.bundledSdk.packages.map((name) => `${name}@${runtime.bundledSdk.version}`)
}

/** The cache key of an SDK install: readable prefix, plus a hash of the exact package list. */
export function sdkCacheKey(runtime: Runtime): string {
  const hash = createHash('sha256').update(sdkSpecs(runtime).join('\n')).digest('hex').slice(0, 12)
  const family = runtime.bundledSdk.packages.some((name) => name.startsWith('@aws-sdk/')) ? 'aws-sdk-v3' : 'aws-sdk-v2'
  return `sdk/${family}-${runtime.bundledSdk.version}-${hash}`
}

/**
 * Installs the runtime's bundled AWS SDK on the host. The SDK is plain JavaScript, so one
 * install serves both architectures; `--ignore-scripts` keeps install scripts from running on
 * the host. Cached per package list and version; returns the node_modules folder.
 */
export async function fetchBundledSdk(cache: DownloadCache, runtime: Runtime, signal?: AbortSignal): Promise<{path: string; cached: boolean}> {
  const {dir, cached} = await cache.ensure(
    sdkCacheKey(runtime),
    async (temp) => {
      await runTool(
        'npm',
        ['install', '--prefix', temp, '--no-package-lock', '--no-save', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', ...sdkSpecs(runtime)],
        {cwd: temp, what: `install the AWS SDK ${runtime.bundledSdk.version} for ${runtime.id}`, signal},
      )
      // npm's record of the install, meaningless once the folder is copied elsewhere.
      await rm(join(temp, 'node_modules', '.package-lock.json'), {force: true})
    },
    signal,
  )
  return {path: join(dir, 'node_modules'), cached}
}
