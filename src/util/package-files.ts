import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let root: string | undefined

/**
 * limg's install folder, which holds templates/, base/ and Dockerfile.base beside the code.
 * Found by walking up from this module to limg's package.json, so it holds from src/
 * (tests through tsx), from dist/, from a bundle and from an installed package alike.
 */
export function packageRoot(): string {
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) {
      root = dir
      return dir
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`limg's own files (templates/, base/) were not found above ${fileURLToPath(import.meta.url)}; the installation is incomplete.`)
    dir = parent
  }
}

/** A file or folder of limg's own, by its path in the package: packagePath('templates', 'dockerfile'). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts)
}
