import {createHash, type Hash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {lstat, readdir, readlink} from 'node:fs/promises'
import {join, posix} from 'node:path'

/**
 * A digest of a folder's names, executable bits, symlink targets and contents. Two folders
 * with the same digest give the same layer.
 */
export async function hashTree(root: string): Promise<string> {
  const hash = createHash('sha256')
  const walk = async (relative: string): Promise<void> => {
    const path = relative ? join(root, relative) : root
    const stat = await lstat(path)
    if (stat.isDirectory()) {
      hash.update(`d ${relative}\n`)
      for (const child of (await readdir(path)).sort()) await walk(relative ? posix.join(relative, child) : child)
    } else if (stat.isSymbolicLink()) {
      hash.update(`l ${relative} ${await readlink(path)}\n`)
    } else if (stat.isFile()) {
      hash.update(`f ${relative} ${stat.mode & 0o111 ? 'x' : '-'} ${stat.size}\n`)
      await feed(hash, path)
    }
  }
  await walk('')
  return hash.digest('hex')
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  await feed(hash, path)
  return hash.digest('hex')
}

async function feed(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
}

/** One digest of everything that decides the image's content, for the `limg.base.hash` label. */
export function digestInputs(inputs: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex')
}
