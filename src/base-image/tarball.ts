import {createReadStream, createWriteStream} from 'node:fs'
import {mkdir, symlink} from 'node:fs/promises'
import {dirname, join, normalize, sep} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {createGunzip} from 'node:zlib'
import {extract} from 'tar-stream'

/**
 * Extracts the entries of a gzipped tarball (as `npm pack` writes them) that `pick` maps to a
 * path, under `destination`. Entries it maps to undefined are skipped; paths that would leave
 * `destination` are refused.
 */
export async function extractTarball(file: string, destination: string, pick: (name: string) => string | undefined): Promise<number> {
  const tar = extract()
  let written = 0
  const consume = (async () => {
    for await (const entry of tar) {
      const target = pick(entry.header.name)
      const path = target === undefined ? undefined : safeJoin(destination, target)
      if (path && entry.header.type === 'file') {
        await mkdir(dirname(path), {recursive: true})
        await pipeline(entry, createWriteStream(path, {mode: entry.header.mode & 0o7777}))
        written += 1
        continue
      }
      if (path && entry.header.type === 'directory') await mkdir(path, {recursive: true})
      if (path && entry.header.type === 'symlink') {
        await mkdir(dirname(path), {recursive: true})
        await symlink(entry.header.linkname, path)
      }
      entry.resume()
    }
  })()
  await Promise.all([pipeline(createReadStream(file), createGunzip(), tar), consume])
  return written
}

function safeJoin(root: string, relative: string): string {
  const path = normalize(join(root, relative))
  if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new Error(`Refusing to extract "${relative}" outside ${root}.`)
  }
  return path
}

/** Maps npm's `package/<path>` entries to `<path>`. */
export function underPackage(name: string): string | undefined {
  return name.startsWith('package/') && name.length > 'package/'.length ? name.slice('package/'.length) : undefined
}
