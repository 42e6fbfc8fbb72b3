import {randomBytes} from 'node:crypto'
import {lstat, mkdir, rename, rm, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {InterruptedError, InvalidInputError} from '../errors/index.js'
import {throwIfAborted} from '../util/abort.js'

/** A file to write, relative to the project directory. */
export interface PlannedFile {
  path: string
  content: string
}

/**
 * The planned files that already exist (as anything: file, folder or link). Callers check
 * this for every target before writing one, so a refusal writes nothing.
 */
export async function existingTargets(dir: string, files: readonly PlannedFile[]): Promise<string[]> {
  const found: string[] = []
  for (const file of files) {
    if (await exists(join(dir, file.path))) found.push(file.path)
  }
  return found
}

/**
 * Writes each file through a temporary sibling and a rename, so an interruption leaves
 * either the old file or the whole new one. If the signal fires between files, the files
 * this call created are removed again and InterruptedError is thrown.
 *
 * @throws InvalidInputError when a target is a folder
 */
export async function writeFilesAtomically(dir: string, files: readonly PlannedFile[], signal?: AbortSignal): Promise<void> {
  const created: string[] = []
  try {
    for (const file of files) {
      throwIfAborted(signal)
      const target = join(dir, file.path)
      const stat = await lstat(target).catch(() => undefined)
      if (stat?.isDirectory()) throw new InvalidInputError(`${target} is a folder; limg wants to write a file there.`, 'Move it away, or choose another directory.')
      await mkdir(dirname(target), {recursive: true})
      const temp = `${target}.limg-${process.pid}-${randomBytes(4).toString('hex')}.tmp`
      try {
        await writeFile(temp, file.content, {flag: 'wx'})
        await rename(temp, target)
      } catch (error) {
        await rm(temp, {force: true})
        throw error
      }
      if (!stat) created.push(target)
    }
  } catch (error) {
    if (error instanceof InterruptedError) await Promise.all(created.map((path) => rm(path, {force: true})))
    throw error
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}
