import {readdir} from 'node:fs/promises'
import {join, posix} from 'node:path'

/** Folders a search never enters: installed packages, and hidden folders such as .git. */
const SKIPPED = (name: string): boolean => name === 'node_modules' || name.startsWith('.')

/**
 * The folders under `root` that `patterns` name, as workspaces and limg.json's "functions"
 * write them: `functions/*`, `services/orders`, `packages/**` (any depth), `!functions/old`
 * to leave one out. `*` and `?` match within one path segment. Paths come back relative,
 * with forward slashes, sorted, once each.
 */
export async function matchFolders(root: string, patterns: readonly string[]): Promise<string[]> {
  const included = new Set<string>()
  const excluded: RegExp[] = []
  for (const raw of patterns) {
    const negated = raw.startsWith('!')
    const pattern = posix.normalize((negated ? raw.slice(1) : raw).replace(/\\/g, '/')).replace(/^\.\/|\/$/g, '')
    if (negated) excluded.push(segmentsRegex(pattern))
    else for (const folder of await expand(root, pattern.split('/'), '')) included.add(folder)
  }
  return [...included].filter((folder) => !excluded.some((re) => re.test(folder))).sort()
}

async function expand(root: string, segments: string[], at: string): Promise<string[]> {
  if (segments.length === 0) return at === '' ? [] : [at]
  const [head, ...rest] = segments as [string, ...string[]]
  if (head === '**') {
    const here = await expand(root, rest, at)
    const below = await Promise.all((await subfolders(root, at)).map((name) => expand(root, segments, posix.join(at, name))))
    return [...here, ...below.flat()]
  }
  if (!/[*?]/.test(head)) {
    if (head === '..' || head === '') return []
    return (await subfolders(root, at)).includes(head) ? expand(root, rest, posix.join(at, head)) : []
  }
  const re = new RegExp(`^${segmentPattern(head)}$`)
  const matches = (await subfolders(root, at)).filter((name) => re.test(name))
  return (await Promise.all(matches.map((name) => expand(root, rest, posix.join(at, name))))).flat()
}

async function subfolders(root: string, at: string): Promise<string[]> {
  const entries = await readdir(join(root, at), {withFileTypes: true}).catch(() => [])
  return entries.filter((entry) => entry.isDirectory() && !SKIPPED(entry.name)).map((entry) => entry.name)
}

function segmentsRegex(pattern: string): RegExp {
  const body = pattern.split('/').map((segment) => (segment === '**' ? '.*' : segmentPattern(segment))).join('/')
  return new RegExp(`^${body}$`)
}

function segmentPattern(segment: string): string {
  return segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')
}
