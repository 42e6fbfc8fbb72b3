import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: string | undefined

/**
 * The package's `templates/` folder. Found by walking up from this module, so it works
 * from src/ (tests through tsx), from dist/, and from an installed package.
 */
export function templatesDir(): string {
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'templates')
    if (existsSync(join(candidate, 'dockerfile')) && existsSync(join(dir, 'package.json'))) {
      cached = candidate
      return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`limg's templates/ folder was not found above ${fileURLToPath(import.meta.url)}; the installation is incomplete.`)
    dir = parent
  }
}
