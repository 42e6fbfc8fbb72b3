import {createHash} from 'node:crypto'
import {createWriteStream} from 'node:fs'
import {lstat, readdir, readlink, rm} from 'node:fs/promises'
import {join, posix} from 'node:path'
import {Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {constants, createGzip} from 'node:zlib'
import {type ContextEntry, contextStream} from '../context/entries-stream.js'
import type {BlobCache} from '../registry/blob-cache.js'

/** A layer as the image's manifest and config name it. */
export interface LayerBlob {
  /** sha256 of the gzip-compressed tar: the blob the registry stores. */
  digest: string
  /** sha256 of the uncompressed tar: the config's rootfs.diff_ids entry. */
  diffId: string
  /** Compressed bytes. */
  size: number
  /** Uncompressed bytes, toward Lambda's 10 GB. */
  uncompressedSize: number
}

/**
 * The modes Lambda needs: it runs the function as a user other than the files' owner, so
 * everything must be readable by others; executables stay executable. Anything else on
 * disk (a umask of 002, a file made private by an editor) would make the same project give
 * another image on another machine.
 */
function normalMode(mode: number, directory: boolean): number {
  return directory || (mode & 0o111) !== 0 ? 0o755 : 0o644
}

/**
 * A folder's files as layer entries under `to`, sorted by name, without following symbolic
 * links; `skip` (given the absolute path) leaves a file or a whole folder out.
 */
export async function treeEntries(from: string, to: string, skip: (absolute: string, directory: boolean) => boolean = () => false): Promise<ContextEntry[]> {
  const entries: ContextEntry[] = []
  const walk = async (relative: string): Promise<void> => {
    const names = (await readdir(relative ? join(from, relative) : from)).sort()
    for (const name of names) {
      const rel = relative ? posix.join(relative, name) : name
      const absolute = join(from, rel)
      const stat = await lstat(absolute)
      if (skip(absolute, stat.isDirectory())) continue
      const target = posix.join(to, rel)
      if (stat.isDirectory()) {
        entries.push({kind: 'directory', to: target, mode: 0o755})
        await walk(rel)
      } else if (stat.isSymbolicLink()) {
        entries.push({kind: 'symlink', to: target, target: await readlink(absolute)})
      } else if (stat.isFile()) {
        entries.push({kind: 'file', from: absolute, to: target, mode: normalMode(stat.mode, false)})
      }
    }
  }
  await walk('')
  return entries
}

/**
 * Writes the entries as one reproducible layer (sorted by the caller, fixed times, root
 * owners: see contextStream), gzip-compressed once at a fixed level, into the blob cache.
 * The same entries give the same digest on any machine with the same zlib.
 */
export async function writeLayer(entries: ContextEntry[], cache: BlobCache): Promise<LayerBlob> {
  const temp = await cache.tempFile()
  const diff = createHash('sha256')
  const compressed = createHash('sha256')
  let uncompressedSize = 0
  let size = 0
  try {
    await pipeline(
      contextStream(entries),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          diff.update(chunk)
          uncompressedSize += chunk.length
          done(null, chunk)
        },
      }),
      createGzip({level: 6, memLevel: 8, strategy: constants.Z_DEFAULT_STRATEGY}),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          compressed.update(chunk)
          size += chunk.length
          done(null, chunk)
        },
      }),
      createWriteStream(temp),
    )
    const digest = `sha256:${compressed.digest('hex')}`
    if (await cache.has(digest, size)) await rm(temp, {force: true})
    else await cache.adopt(digest, temp)
    return {digest, diffId: `sha256:${diff.digest('hex')}`, size, uncompressedSize}
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
}
