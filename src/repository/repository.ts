import {readFile} from 'node:fs/promises'
import {join, relative, resolve} from 'node:path'
import {CONFIG_FILE} from '../config/load.js'
import {InvalidInputError} from '../errors/index.js'
import {matchFolders} from './folder-glob.js'

/** One function of a repository: its folder (holding its own limg.json) and its name there. */
export interface RepositoryFunction {
  name: string
  /** Absolute. */
  dir: string
  /** From the repository's root, with forward slashes: `functions/orders`. */
  path: string
}

/** A folder holding many functions, and where the list came from. */
export interface Repository {
  root: string
  source: 'limg.json' | 'package.json workspaces' | 'pnpm-workspace.yaml'
  functions: RepositoryFunction[]
}

/**
 * The repository of functions at `dir`, or undefined when `dir` is one function's folder
 * (or neither). A limg.json with "functions" lists folder globs; without a limg.json, the
 * package manager's workspaces do, and the workspace folders holding a limg.json are the
 * functions.
 *
 * @throws InvalidInputError for a "functions" list that is not one, globs matching no
 *   function, or two functions with one name
 */
export async function findRepository(dir: string): Promise<Repository | undefined> {
  const root = resolve(dir)
  const own = await readJson(join(root, CONFIG_FILE))
  if (own !== undefined) {
    if (!isObject(own) || !('functions' in own)) return undefined
    return listed(root, 'limg.json', globsFrom(own.functions, join(root, CONFIG_FILE)), true)
  }
  const packageJson = await readJson(join(root, 'package.json'))
  const workspaces = isObject(packageJson) ? packageJson.workspaces : undefined
  const npmGlobs = Array.isArray(workspaces) ? workspaces : isObject(workspaces) && Array.isArray(workspaces.packages) ? workspaces.packages : undefined
  if (npmGlobs) return listed(root, 'package.json workspaces', npmGlobs.filter((g): g is string => typeof g === 'string'), false)
  const pnpm = await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8').catch(() => undefined)
  if (pnpm !== undefined) return listed(root, 'pnpm-workspace.yaml', pnpmPackages(pnpm), false)
  return undefined
}

/** The `--function` names (a function's limg.json name, or its folder) picked out, in the repository's order. */
export function selectFunctions(repository: Repository, wanted: readonly string[]): RepositoryFunction[] {
  if (wanted.length === 0) return repository.functions
  const picked = new Set<RepositoryFunction>()
  for (const want of wanted) {
    const path = want.replace(/\\/g, '/').replace(/^\.\/|\/$/g, '')
    const found = repository.functions.find((fn) => fn.name === want || fn.path === path)
    if (!found) {
      throw new InvalidInputError(
        `No function "${want}" in ${repository.root} (${repository.functions.map((fn) => fn.name).join(', ')}).`,
        'Name one of them with --function, by its limg.json name or its folder.',
      )
    }
    picked.add(found)
  }
  return repository.functions.filter((fn) => picked.has(fn))
}

async function listed(root: string, source: Repository['source'], globs: string[], strict: boolean): Promise<Repository | undefined> {
  const functions: RepositoryFunction[] = []
  for (const path of await matchFolders(root, globs)) {
    const config = await readJson(join(root, path, CONFIG_FILE))
    if (!isObject(config) || 'functions' in config) continue
    const dir = join(root, path)
    functions.push({name: typeof config.name === 'string' ? config.name : path, dir, path: relative(root, dir).split('\\').join('/')})
  }
  if (functions.length === 0) {
    // Workspaces without a limg.json among them are some other kind of monorepo, not limg's.
    if (!strict) return undefined
    throw new InvalidInputError(
      `${join(root, CONFIG_FILE)} lists "functions" ${JSON.stringify(globs)}, but no folder they match holds a ${CONFIG_FILE}.`,
      'Point the globs at function folders (each with its own limg.json, from `limg init`), such as "functions/*".',
    )
  }
  for (const fn of functions) {
    const twin = functions.find((other) => other !== fn && other.name === fn.name)
    if (twin) {
      throw new InvalidInputError(
        `Two functions in ${root} are named "${fn.name}": ${fn.path} and ${twin.path}.`,
        'Give each its own "name" in its limg.json: the name is its image, its ECR repository and its Lambda function.',
      )
    }
  }
  return {root, source, functions}
}

function globsFrom(value: unknown, file: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((g) => typeof g === 'string' && g.trim() !== '')) {
    throw new InvalidInputError(`${file}: "functions" must be a list of folder globs.`, 'Write it as "functions": ["functions/*"], each folder holding a function\'s limg.json.')
  }
  if (value.some((g: string) => g.split(/[\\/]/).includes('..') || g.startsWith('/'))) {
    throw new InvalidInputError(`${file}: "functions" may name folders inside the repository only (no leading "/" and no "..").`, 'Write globs relative to the repository, such as "functions/*".')
  }
  return value as string[]
}

/** The `packages:` list of a pnpm-workspace.yaml: the one key limg reads, in its block or flow form. */
export function pnpmPackages(text: string): string[] {
  const lines = text.split(/\r?\n/)
  const start = lines.findIndex((line) => /^packages\s*:/.test(line))
  if (start < 0) return []
  const inline = /^packages\s*:\s*\[(.*)\]\s*$/.exec(lines[start]!)?.[1]
  if (inline !== undefined) return inline.split(',').map(unquote).filter(Boolean)
  const globs: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break
    const item = /^\s+-\s*(.+?)\s*(#.*)?$/.exec(line)?.[1]
    if (item) globs.push(unquote(item))
  }
  return globs
}

function unquote(text: string): string {
  return text.trim().replace(/^(['"])(.*)\1$/, '$2')
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch {
    // The command that loads it says what is wrong with it.
    return {}
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
