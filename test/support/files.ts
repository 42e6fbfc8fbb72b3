import {mkdir, readFile, readdir, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

/** Writes each `path: content` under `dir`, making folders as needed. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), {recursive: true})
    await writeFile(join(dir, path), content)
  }
}

/** Every file under `dir`, by relative path, as base64: to prove a command changed none of them. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, {recursive: true, withFileTypes: true})) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name)
      out[path.slice(dir.length + 1)] = await readFile(path, 'base64')
    }
  }
  return out
}
