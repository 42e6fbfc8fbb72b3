import {posix} from 'node:path'
import {InvalidInputError} from '../errors/index.js'

/** One `.dockerignore` line after Docker's cleaning. */
export interface IgnorePattern {
  /** The cleaned pattern, without the `!`. */
  pattern: string
  /** A `!` line: puts back what earlier lines excluded. */
  exception: boolean
  /** Path components of the pattern, for Docker's parent-directory matching. */
  dirs: number
  regexp: RegExp
}

/**
 * Reads `.dockerignore` text exactly as the Docker CLI does (moby's dockerignore.ReadAll):
 * a UTF-8 BOM dropped, lines starting with `#` skipped, whitespace trimmed, `!` split
 * off, each path cleaned (`./a/../b` is `b`) and a leading `/` removed.
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  for (const raw of lines) {
    // Only a `#` in the first column starts a comment, before any trimming.
    if (raw.startsWith('#')) continue
    let line = raw.trim()
    if (line === '') continue
    const invert = line.startsWith('!')
    if (invert) line = line.slice(1).trim()
    if (line.length > 0) {
      line = posix.normalize(line).replace(/\/+$/, '') || '/'
      if (line.length > 1 && line.startsWith('/')) line = line.slice(1)
    }
    patterns.push(invert ? `!${line}` : line)
  }
  return patterns
}

/**
 * Kept by hand rather than taken from @balena/dockerignore: limg needs two answers that
 * library does not give, which line decided a path (a `!` line re-includes a secret on purpose,
 * see deny-list.ts) and whether an excluded folder must still be walked (Docker's own test,
 * so a large ignored node_modules is never read).
 *
 * Docker's pattern matcher (moby fileutils.PatternMatcher): each pattern is anchored at
 * the context root and turned into a regular expression where `*` and `?` stop at `/`
 * and `**` spans directories; a path is excluded when the last pattern that matches it,
 * or one of its parent directories, is not an exception. This is not gitignore: there a
 * pattern without a slash matches at any depth, here `*.log` matches only at the root.
 */
export class DockerignoreMatcher {
  readonly patterns: readonly IgnorePattern[]
  readonly hasExceptions: boolean

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.flatMap((p) => compilePattern(p))
    this.hasExceptions = this.patterns.some((p) => p.exception)
  }

  static fromText(text: string): DockerignoreMatcher {
    return new DockerignoreMatcher(parseDockerignore(text))
  }

  /** Whether `relPath` (slash-separated, relative to the context root) is excluded. */
  matches(relPath: string): boolean {
    return this.lastMatch(relPath)?.exception === false
  }

  /** Whether a `!` line is what decides `relPath` (or a folder it sits in): the project asked for it by name. */
  explicitlyIncludes(relPath: string): boolean {
    return this.lastMatch(relPath)?.exception === true
  }

  private lastMatch(relPath: string): IgnorePattern | undefined {
    const file = posix.normalize(relPath)
    const parent = posix.dirname(file)
    const parentDirs = parent.split('/')
    let last: IgnorePattern | undefined
    for (const pattern of this.patterns) {
      let match = pattern.regexp.test(file)
      if (!match && parent !== '.' && pattern.dirs <= parentDirs.length) {
        match = pattern.regexp.test(parentDirs.slice(0, pattern.dirs).join('/'))
      }
      if (match) last = pattern
    }
    return last
  }

  /**
   * Whether an excluded directory must still be walked because an exception pattern
   * names a path inside it. This is Docker's own test (a textual prefix), so
   * `!**\/keep` does not reach into an excluded directory, as with `docker build`.
   */
  mayIncludeUnder(relDir: string): boolean {
    if (!this.hasExceptions) return false
    const dirSlash = `${relDir}/`
    return this.patterns.some((p) => p.exception && `${p.pattern}/`.startsWith(dirSlash))
  }
}

function compilePattern(raw: string): IgnorePattern[] {
  let p = raw.trim()
  if (p === '') return []
  let exception = false
  if (p.startsWith('!')) {
    if (p.length === 1) throw new InvalidInputError('.dockerignore has an illegal exclusion pattern "!".', 'Remove the lone "!" line.')
    exception = true
    p = p.slice(1)
  }
  p = posix.normalize(p).replace(/(.)\/+$/, '$1')
  checkSyntax(p)
  return [{pattern: p, exception, dirs: p.split('/').length, regexp: toRegExp(p)}]
}

/** moby's Pattern.compile, character for character. */
function toRegExp(pattern: string): RegExp {
  let out = '^'
  const chars = [...pattern]
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++
        if (chars[i + 1] === '/') i++
        out += i + 1 >= chars.length ? '.*' : '(.*/)?'
      } else {
        out += '[^/]*'
      }
    } else if (ch === '?') {
      out += '[^/]'
    } else if (ch === '.' || ch === '$') {
      out += `\\${ch}`
    } else if (ch === '\\') {
      if (i + 1 < chars.length) {
        i++
        out += `\\${chars[i]}`
      } else {
        out += '\\\\'
      }
    } else {
      out += ch
    }
  }
  out += '$'
  try {
    return new RegExp(out)
  } catch (error) {
    throw new InvalidInputError(`.dockerignore pattern "${pattern}" is not valid.`, 'Fix the pattern (see Docker\'s .dockerignore syntax).', {cause: error})
  }
}

/** Go's filepath.Match rejects unterminated character classes and a trailing backslash; so does Docker. */
function checkSyntax(pattern: string): void {
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    if (ch === '\\') {
      if (i + 1 >= pattern.length) throw badPattern(pattern)
      i++
    } else if (ch === '[' && !inClass) {
      inClass = true
      if (pattern[i + 1] === '^') i++
      if (pattern[i + 1] === ']') throw badPattern(pattern)
    } else if (ch === ']' && inClass) {
      inClass = false
    }
  }
  if (inClass) throw badPattern(pattern)
}

function badPattern(pattern: string): InvalidInputError {
  return new InvalidInputError(`.dockerignore pattern "${pattern}" is malformed (syntax error in pattern).`, 'Close the "[" class or escape the character with "\\".')
}
