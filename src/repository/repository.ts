import {readFile} from 'node:fs/promises'
import {dirname, join, relative, resolve} from 'node:path'
import {CONFIG_FILE, listsFunctions} from '../config/load.js'
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
  /** What is odd but not wrong: a glob that matches no function, a key of the root limg.json limg does not read. */
  warnings: string[]
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
    if (!listsFunctions(own)) return undefined
    const repository = await listed(root, 'limg.json', globsFrom(own.functions, join(root, CONFIG_FILE)), true)
    const ignored = Object.keys(own).filter((key) => key !== 'functions' && key !== '$schema')
    if (ignored.length > 0) {
      repository?.warnings.push(`${join(root, CONFIG_FILE)}: ${ignored.map((key) => `"${key}"`).join(', ')} ${ignored.length === 1 ? 'is' : 'are'} ignored: a repository's limg.json holds only "functions"; each function's settings go in its own limg.json.`)
    }
    return repository
  }
  const packageJson = await readJson(join(root, 'package.json'))
  const workspaces = isObject(packageJson) ? packageJson.workspaces : undefined
  const npmGlobs = Array.isArray(workspaces) ? workspaces : isObject(workspaces) && Array.isArray(workspaces.packages) ? workspaces.packages : undefined
  if (npmGlobs) return listed(root, 'package.json workspaces', npmGlobs.filter((g): g is string => typeof g === 'string'), false)
  const pnpm = await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8').catch(() => undefined)
  if (pnpm !== undefined) return listed(root, 'pnpm-workspace.yaml', pnpmPackages(pnpm), false)
  return undefined
}

/**
 * Refuses a repository's root where a command works on one function, naming the folders to
 * pass instead. A folder that is not a repository (or whose list does not load: the
 * command's own loading says why) passes.
 */
export async function refuseRepositoryRoot(dir: string, command: string): Promise<void> {
  const repository = await findRepository(dir).catch(() => undefined)
  if (!repository) return
  const paths = repository.functions.map((fn) => fn.path)
  const listed = paths.length > 4 ? `${paths.slice(0, 4).join(', ')}, …` : paths.join(', ')
  throw new InvalidInputError(
    `${repository.root} is a repository of ${plural(paths.length, 'function')} (${listed}, from its ${repository.source}), and limg ${command} works on one.`,
    `Pass --dir with its folder, such as \`limg ${command} --dir ${paths[0]}\`; limg build, push and deploy at the root act on all of them.`,
  )
}

/** The repository `dir` is a function of, looking up from its parent; undefined when it is in none. */
export async function enclosingRepository(dir: string): Promise<Repository | undefined> {
  const folder = resolve(dir)
  for (let current = dirname(folder); ; current = dirname(current)) {
    const repository = await findRepository(current).catch(() => undefined)
    if (repository?.functions.some((fn) => fn.dir === folder)) return repository
    if (dirname(current) === current) return undefined
  }
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** Whether `dir`'s limg.json lists functions, whether or not that list loads. */
export async function hasFunctionsListing(dir: string): Promise<boolean> {
  const text = await readFile(join(resolve(dir), CONFIG_FILE), 'utf8').catch(() => undefined)
  if (text === undefined) return false
  try {
    return listsFunctions(JSON.parse(text.replace(/^\uFEFF/, '')))
  } catch {
    // A list with a typo in it is still the user's list: nothing may write over it.
    return /"functions"\s*:/.test(text)
  }
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
        'Name one of them with --function, by its limg.json name or its folder; a folder without a limg.json is not a function (`limg init <folder>` makes it one).',
      )
    }
    picked.add(found)
  }
  return repository.functions.filter((fn) => picked.has(fn))
}

async function listed(root: string, source: Repository['source'], globs: string[], strict: boolean): Promise<Repository | undefined> {
  const functions: RepositoryFunction[] = []
  const warnings: string[] = []
  for (const path of await matchFolders(root, globs)) {
    const config = await readJson(join(root, path, CONFIG_FILE))
    if (!isObject(config) || listsFunctions(config)) continue
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
  // A glob of its own matching no function is most likely a typo; the others still count.
  const negations = globs.filter((glob) => glob.startsWith('!'))
  for (const glob of globs.filter((g) => !g.startsWith('!'))) {
    const matched = await matchFolders(root, [glob, ...negations])
    if (!functions.some((fn) => matched.includes(fn.path))) warnings.push(`The ${source} glob "${glob}" matches no function folder (one holding a limg.json) in ${root}.`)
  }
  return {root, source, functions, warnings}
}

function globsFrom(value: unknown, file: string): string[] {
  if (Array.isArray(value) && value.length === 0) {
    throw new InvalidInputError(`${file}: "functions" is an empty list.`, 'List the function folders as globs, such as "functions": ["functions/*"].')
  }
  if (!Array.isArray(value) || !value.every((g) => typeof g === 'string' && g.trim() !== '')) {
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
