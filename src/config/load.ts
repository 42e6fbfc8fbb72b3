import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {InvalidInputError} from '../errors/index.js'
import {type ProjectConfig, validateProjectConfig} from './schema.js'

export const CONFIG_FILE = 'limg.json'

/** Reads and validates `<dir>/limg.json`. */
export async function loadProjectConfig(dir: string): Promise<ProjectConfig> {
  const file = join(dir, CONFIG_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InvalidInputError(`No ${CONFIG_FILE} in ${dir}.`, 'Run `limg init` there first, or pass --dir.', {cause: error})
    }
    throw error
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new InvalidInputError(`${file} is not valid JSON: ${(error as Error).message}.`, 'Fix the file or run `limg init --force`.', {cause: error})
  }
  return validateProjectConfig(raw, file)
}
