import {createHash} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'
import {join, posix} from 'node:path'
import type {ArchitectureInfo, Runtime} from '../catalog/runtimes.js'
import type {InstallPlan} from '../project/package-manager.js'
import type {BlobCache} from '../registry/blob-cache.js'
import {cacheRoot} from '../util/cache-root.js'
import {installForTarget} from './host-install.js'
import type {BuiltLayer} from './image.js'
import type {LayerBlob} from './layer.js'
import {treeEntries, writeLayer} from './layer.js'
import {checkNativeAddons} from './native-addons.js'
import {writeJsonAtomically} from '../util/json-file.js'

/** Bumped when the layer's layout changes, so old cache records are not reused. */
const LAYOUT_VERSION = 1

export interface DepsLayer {
  layer: BuiltLayer
  /** True when the lock file was unchanged and no install ran. */
  cached: boolean
  /** How it installed, for the output. */
  command: string
  warnings: string[]
}

type DepsRecord = LayerBlob & {command: string; warnings: string[]}

/**
 * The production `node_modules` as one layer under the task root. With a lock file the
 * layer is keyed by what decides its content (package.json, the lock, the registry settings,
 * the architecture, the npm) and reused while that is unchanged, without running npm;
 * without one it installs every time, as the engine path does.
 */
export async function dependenciesLayer(
  projectDir: string,
  plan: InstallPlan,
  target: {runtime: Runtime; arch: ArchitectureInfo; taskRoot: string; npmVersion: string},
  cache: BlobCache,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<DepsLayer> {
  const cpu = target.arch.id === 'arm64' ? 'arm64' : 'x64'
  const key = createHash('sha256')
  key.update(JSON.stringify({v: LAYOUT_VERSION, arch: target.arch.id, npm: target.npmVersion, root: target.taskRoot}))
  for (const file of [...plan.inputs, ...plan.configFiles]) key.update(`\n${file}\n`).update(await readFile(join(projectDir, file)))
  const record = join(cacheRoot(env), 'direct', 'deps', `${key.digest('hex')}.json`)
  if (plan.lockFile) {
    const held = await readFile(record, 'utf8').then((t) => JSON.parse(t) as DepsRecord, () => undefined)
    if (held && (await cache.has(held.digest, held.size))) return {layer: {...pick(held), createdBy: held.command}, cached: true, command: held.command, warnings: held.warnings}
  }
  const install = await installForTarget(projectDir, plan, cpu, target.npmVersion, env, signal)
  try {
    const modules = join(install.dir, 'node_modules')
    // npm makes no node_modules for a project without dependencies; the image gets an empty one, as on the engine path.
    const present = (await stat(modules).catch(() => undefined))?.isDirectory() ?? false
    const scan = present ? await checkNativeAddons(modules, cpu, target.arch.id) : {skippedScripts: []}
    const warnings = scan.skippedScripts.length > 0 ? [`Install scripts not run by the direct builder (they would run for this host, not Lambda): ${scan.skippedScripts.join('; ')}.`] : []
    const to = posix.join(target.taskRoot, 'node_modules')
    const entries = [{kind: 'directory' as const, to, mode: 0o755}, ...(present ? await treeEntries(modules, to) : [])]
    const blob = await writeLayer(entries, cache)
    if (plan.lockFile) await writeJsonAtomically(record, {...blob, command: install.command, warnings})
    return {layer: {...blob, createdBy: install.command}, cached: false, command: install.command, warnings}
  } finally {
    await install.dispose()
  }
}

function pick(record: DepsRecord): LayerBlob {
  return {digest: record.digest, diffId: record.diffId, size: record.size, uncompressedSize: record.uncompressedSize}
}

