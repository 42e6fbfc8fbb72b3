import {readFile, readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {BuildFailedError} from '../errors/index.js'

/** Install scripts that compile (or download a build for the host): on the host they would make code for the wrong machine. */
const COMPILING_SCRIPT = /\b(node-gyp|node-gyp-build|prebuild-install|node-pre-gyp|cmake-js)\b/
const LIFECYCLE = ['preinstall', 'install', 'postinstall'] as const

export interface AddonScan {
  /** Packages whose install scripts were not run, with the script, for the output. */
  skippedScripts: string[]
}

/**
 * Refuses a production dependency that compiles native code at install time (a
 * `binding.gyp`, or an install script that runs node-gyp or fetches a prebuilt for the
 * machine it runs on) unless it ships a prebuilt for linux and the target CPU: installed on
 * this host, it would be missing or built for the wrong machine, and the image would break
 * only when Lambda loads it.
 *
 * @throws BuildFailedError naming the first such package and pointing at `--builder engine`
 */
export async function checkNativeAddons(nodeModules: string, cpu: 'x64' | 'arm64', archId: string): Promise<AddonScan> {
  const skippedScripts: string[] = []
  for (const dir of await packageDirs(nodeModules)) {
    const manifest = await readFile(join(dir, 'package.json'), 'utf8').then((t) => JSON.parse(t) as {name?: string; version?: string; scripts?: Record<string, unknown>; gypfile?: boolean}, () => undefined)
    if (!manifest) continue
    const name = `${manifest.name ?? dir}${manifest.version ? `@${manifest.version}` : ''}`
    const scripts = LIFECYCLE.flatMap((s): Array<[string, string]> => {
      const text = manifest.scripts?.[s]
      return typeof text === 'string' ? [[s, text]] : []
    })
    const gyp = manifest.gypfile === true || (await exists(join(dir, 'binding.gyp')))
    const compiling = scripts.find(([, text]) => COMPILING_SCRIPT.test(text))
    if (gyp || compiling) {
      if (await exists(join(dir, 'prebuilds', `linux-${cpu}`))) continue
      const why = compiling ? `its ${compiling[0]} script runs \`${compiling[1]}\`` : 'it has a binding.gyp'
      throw new BuildFailedError(
        `The dependency ${name} compiles native code at install time (${why}) and ships no prebuilt for linux-${cpu}; the direct builder cannot build it for ${archId}.`,
        'Build with `--builder engine` (the install then runs inside the image, for the target), or use a dependency without a native addon.',
      )
    }
    for (const [script, text] of scripts) skippedScripts.push(`${name} (${script}: ${text})`)
  }
  return {skippedScripts}
}

/** Every installed package folder, nested node_modules and @scopes included, in a stable order. */
async function packageDirs(nodeModules: string): Promise<string[]> {
  const found: string[] = []
  const visit = async (folder: string): Promise<void> => {
    const names = (await readdir(folder).catch(() => [] as string[])).sort()
    for (const name of names) {
      if (name.startsWith('.')) continue
      const path = join(folder, name)
      if (name.startsWith('@')) {
        await visit(path)
        continue
      }
      if (!(await stat(path).catch(() => undefined))?.isDirectory()) continue
      found.push(path)
      await visit(join(path, 'node_modules'))
    }
  }
  await visit(nodeModules)
  return found
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined
}
