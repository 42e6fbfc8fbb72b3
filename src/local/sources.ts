import {readFile, readdir, stat} from 'node:fs/promises'
import {join, relative, sep} from 'node:path'
import ignore, {type Ignore} from 'ignore'

// Never part of the image, whatever .dockerignore says: watching or dating them only adds noise.
const ALWAYS_IGNORED = ['.git', 'node_modules/.cache']

/** The project's .dockerignore as a matcher over paths relative to the project, `/`-separated. */
export async function dockerIgnore(dir: string): Promise<Ignore> {
  const matcher = ignore().add(ALWAYS_IGNORED)
  try {
    matcher.add(await readFile(join(dir, '.dockerignore'), 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  return matcher
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}

/**
 * The newest modification time (ms) of the files that go into the build context: what makes
 * an image stale. Folder times are left out: creating an ignored file (a build output, say)
 * touches its folder, and would make every image look stale.
 */
export async function newestSourceMtime(dir: string, matcher?: Ignore): Promise<number> {
  const ignored = matcher ?? (await dockerIgnore(dir))
  let newest = 0
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, {withFileTypes: true})
    for (const entry of entries) {
      const full = join(folder, entry.name)
      const rel = toPosix(relative(dir, full))
      if (ignored.ignores(entry.isDirectory() ? `${rel}/` : rel)) continue
      if (entry.isDirectory()) {
        await walk(full)
        continue
      }
      const info = await stat(full).catch(() => undefined)
      if (info) newest = Math.max(newest, info.mtimeMs)
    }
  }
  await walk(dir)
  return newest
}
