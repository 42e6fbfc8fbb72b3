import {readFile, readdir, stat} from 'node:fs/promises'
import {join, relative, sep} from 'node:path'
import {DockerignoreMatcher} from '../context/dockerignore.js'

// Never part of the image's sources, whatever .dockerignore says: dating or watching them only adds noise.
const ALWAYS_IGNORED = ['.git', 'node_modules/.cache']

/** What `.dockerignore` leaves out of the build context, by Docker's rules (as `limg build` applies them). */
export interface ContextFilter {
  /** `rel` is slash-separated and relative to the project. */
  ignores(rel: string): boolean
  /** Whether an ignored folder must still be walked, for an exception pattern inside it. */
  mayIncludeUnder(rel: string): boolean
}

export async function dockerIgnore(dir: string): Promise<ContextFilter> {
  let text = ''
  try {
    text = await readFile(join(dir, '.dockerignore'), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const matcher = DockerignoreMatcher.fromText(text)
  const always = new DockerignoreMatcher(ALWAYS_IGNORED)
  return {
    ignores: (rel) => always.matches(rel) || matcher.matches(rel),
    mayIncludeUnder: (rel) => !always.matches(rel) && matcher.mayIncludeUnder(rel),
  }
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}

/**
 * The newest modification time (ms) of the files that go into the build context: what makes
 * an image stale. Folder times are left out: creating an ignored file (a build output, say)
 * touches its folder, and would make every image look stale.
 */
export async function newestSourceMtime(dir: string, filter?: ContextFilter): Promise<number> {
  const context = filter ?? (await dockerIgnore(dir))
  let newest = 0
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, {withFileTypes: true})
    for (const entry of entries) {
      const full = join(folder, entry.name)
      const rel = toPosix(relative(dir, full))
      const ignored = context.ignores(rel)
      if (entry.isDirectory()) {
        if (!ignored || context.mayIncludeUnder(rel)) await walk(full)
        continue
      }
      if (ignored) continue
      const info = await stat(full).catch(() => undefined)
      if (info) newest = Math.max(newest, info.mtimeMs)
    }
  }
  await walk(dir)
  return newest
}
