import {readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {InvalidInputError} from '../errors/index.js'
import {fsReason} from '../util/fs-errors.js'
import {type ProjectConfig, unknownKeyWarnings, validateProjectConfig} from './schema.js'

export const CONFIG_FILE = 'limg.json'

export interface LoadOptions {
  /** Told about what is odd but not wrong, such as a key limg does not know. */
  onWarning?: (message: string) => void
}

/** A limg.json that lists a repository's functions (`"functions": [globs]`) instead of describing one. */
export function listsFunctions(raw: unknown): raw is Record<string, unknown> & {functions: unknown} {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'functions' in raw
}

/** Reads and validates `<dir>/limg.json`. */
export async function loadProjectConfig(dir: string, options: LoadOptions = {}): Promise<ProjectConfig> {
  const file = join(dir, CONFIG_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw await unreadable(dir, file, error)
  }
  // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse refuses.
  if (text.startsWith('\uFEFF')) text = text.slice(1)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new InvalidInputError(`${file} is not valid JSON: ${(error as Error).message}.`, 'Fix the file or run `limg init --force`.', {cause: error})
  }
  if (listsFunctions(raw)) {
    throw new InvalidInputError(
      `${file} lists the functions of a repository ("functions"), not one function.`,
      'Run this in a function\'s folder (--dir functions/<name>); limg build, push and deploy at the root act on all of them.',
    )
  }
  const config = validateProjectConfig(raw, file)
  for (const warning of unknownKeyWarnings(raw, file)) options.onWarning?.(warning)
  return config
}

async function unreadable(dir: string, file: string, error: unknown): Promise<unknown> {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const folder = await stat(dir).catch(() => undefined)
    if (!folder) return new InvalidInputError(`The project folder ${dir} does not exist.`, 'Pass --dir with the folder that holds limg.json, or create one with `limg init`.', {cause: error})
    if (!folder.isDirectory()) return new InvalidInputError(`${dir} is a file, not a project folder.`, 'Pass --dir with the folder that holds limg.json.', {cause: error})
    return new InvalidInputError(`No ${CONFIG_FILE} in ${dir}.`, 'Run `limg init` there first, or pass --dir.', {cause: error})
  }
  const reason = fsReason(error)
  if (!reason) return error
  return new InvalidInputError(`Cannot read ${file}: ${reason}.`, code === 'EACCES' || code === 'EPERM' ? 'Give your user read access to it (chmod, chown), or run limg as its owner.' : 'Fix the file, then run the command again.', {cause: error})
}
