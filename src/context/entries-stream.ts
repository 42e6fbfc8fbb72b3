import {createReadStream} from 'node:fs'
import {lstat, readdir, readlink} from 'node:fs/promises'
import {join, posix} from 'node:path'
import type {Readable} from 'node:stream'
import {pack, type Pack} from 'tar-stream'

/** One piece of the build context, at `to` (a path inside the context). */
export type ContextEntry =
  /** A folder from disk, walked without following symlinks; `modes` overrides by path below it. */
  | {kind: 'tree'; from: string; to: string; modes?: Record<string, number>}
  | {kind: 'file'; from: string; to: string; mode?: number}
  | {kind: 'directory'; to: string; mode: number}
  | {kind: 'symlink'; to: string; target: string}
  | {kind: 'content'; to: string; data: string; mode: number}

/**
 * A fixed mtime makes the same files give the same context, so the engine's build cache
 * recognises unchanged layers.
 */
const MTIME = new Date('2000-01-01T00:00:00Z')

/**
 * Streams the entries as a tar build context, reading each file as it is written: the context
 * (a few hundred MB with node and the SDK) is never held in memory. Owners are root.
 */
export function contextStream(entries: ContextEntry[]): Readable {
  const tar = pack()
  writeAll(tar, entries).then(
    () => tar.finalize(),
    (error: unknown) => tar.destroy(error instanceof Error ? error : new Error(String(error))),
  )
  return tar as unknown as Readable
}

async function writeAll(tar: Pack, entries: ContextEntry[]): Promise<void> {
  const seenDirs = new Set<string>()
  for (const entry of entries) {
    switch (entry.kind) {
      case 'tree':
        await addTree(tar, entry.from, entry.to, entry.modes ?? {}, seenDirs)
        break
      case 'file': {
        const stat = await lstat(entry.from)
        await addFile(tar, entry.from, entry.to, entry.mode ?? stat.mode & 0o7777, stat.size)
        break
      }
      case 'directory':
        await addEntry(tar, {name: entry.to, type: 'directory', mode: entry.mode})
        seenDirs.add(entry.to)
        break
      case 'symlink':
        await addEntry(tar, {name: entry.to, type: 'symlink', linkname: entry.target, mode: 0o777})
        break
      case 'content':
        await addContent(tar, entry.to, entry.data, entry.mode)
        break
    }
  }
}

async function addTree(tar: Pack, from: string, to: string, modes: Record<string, number>, seenDirs: Set<string>): Promise<void> {
  const walk = async (relative: string): Promise<void> => {
    const path = relative ? join(from, relative) : from
    const name = relative ? posix.join(to, relative) : to
    const stat = await lstat(path)
    const mode = modes[relative] ?? stat.mode & 0o7777
    if (stat.isDirectory()) {
      // A folder two trees share (bin/ of system/ and a link set, say) is written once.
      if (!seenDirs.has(name)) await addEntry(tar, {name, type: 'directory', mode})
      seenDirs.add(name)
      const children = (await readdir(path)).sort()
      for (const child of children) await walk(relative ? posix.join(relative, child) : child)
    } else if (stat.isSymbolicLink()) {
      await addEntry(tar, {name, type: 'symlink', linkname: await readlink(path), mode: 0o777})
    } else if (stat.isFile()) {
      await addFile(tar, path, name, mode, stat.size)
    }
  }
  await walk('')
}

function addEntry(tar: Pack, header: {name: string; type: 'directory' | 'symlink'; mode: number; linkname?: string}): Promise<void> {
  return new Promise((resolve, reject) => {
    tar.entry({...header, mtime: MTIME, uid: 0, gid: 0, uname: 'root', gname: 'root'}, (error) => (error ? reject(error) : resolve()))
  })
}

function addFile(tar: Pack, from: string, name: string, mode: number, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = tar.entry({name, type: 'file', mode, size, mtime: MTIME, uid: 0, gid: 0, uname: 'root', gname: 'root'}, (error) =>
      error ? reject(error) : resolve(),
    )
    const source = createReadStream(from)
    source.on('error', (error) => {
      sink.destroy(error)
      reject(error)
    })
    source.pipe(sink as unknown as NodeJS.WritableStream)
  })
}

function addContent(tar: Pack, name: string, data: string, mode: number): Promise<void> {
  return new Promise((resolve, reject) => {
    tar.entry({name, type: 'file', mode, mtime: MTIME, uid: 0, gid: 0, uname: 'root', gname: 'root'}, data, (error) =>
      error ? reject(error) : resolve(),
    )
  })
}
