import {readFile} from 'node:fs/promises'
import {join, posix} from 'node:path'
import type {Template} from '../config/schema.js'

/** A handler found in an existing project. */
export interface DetectedHandler {
  /** `<module>.<export>` as limg.json and Lambda's CMD take it. */
  handler: string
  template: Template
  /** The file it was found in, relative to the project. */
  file: string
  /** Things the user should know, such as a tsconfig outDir limg's Dockerfile does not expect. */
  warnings: string[]
}

interface PackageJson {
  main?: unknown
  type?: unknown
}

const BASES = ['index', 'handler', 'app', 'src/index', 'src/handler', 'src/app']
const JS_EXTENSIONS = ['.mjs', '.cjs', '.js']
const TS_EXTENSIONS = ['.ts', '.mts', '.cts']
const PREFERRED_EXPORTS = ['handler', 'main', 'lambdaHandler']

/**
 * Finds the handler of an existing function: package.json "main" first, then index.*,
 * handler.*, app.* and the same under src/. A file counts when it exports a function
 * the patterns below recognise; "handler" wins over other exports. With a tsconfig.json,
 * TypeScript sources come first and the handler names the compiled module, relative to
 * the tsconfig rootDir (default src/ for files there).
 *
 * @returns undefined when nothing looks like a handler
 */
export async function detectHandler(dir: string, packageJson: PackageJson): Promise<DetectedHandler | undefined> {
  const tsconfig = await readTsconfig(dir)
  const candidates: string[] = []
  if (typeof packageJson.main === 'string') candidates.push(posix.normalize(packageJson.main.replace(/\\/g, '/')).replace(/^\.\//, ''))
  const tsCandidates = BASES.flatMap((base) => TS_EXTENSIONS.map((ext) => base + ext))
  const jsCandidates = BASES.flatMap((base) => JS_EXTENSIONS.map((ext) => base + ext))
  if (tsconfig) candidates.unshift(...tsCandidates)
  candidates.push(...jsCandidates)

  for (const file of [...new Set(candidates)]) {
    const ext = posix.extname(file)
    const isTs = TS_EXTENSIONS.includes(ext)
    if (isTs && !tsconfig) continue
    if (!isTs && !JS_EXTENSIONS.includes(ext)) continue
    const text = await readFile(join(dir, file), 'utf8').catch(() => undefined)
    if (text === undefined) continue
    const exportName = pickExport(exportedNames(text))
    if (!exportName) continue
    if (isTs && tsconfig) {
      const rootDir = tsconfig.rootDir ?? (file.startsWith('src/') ? 'src' : '.')
      const module = posix.relative(rootDir, file.slice(0, -ext.length))
      const warnings: string[] = []
      if (module.startsWith('..')) continue
      if (tsconfig.outDir !== 'dist') {
        warnings.push(`tsconfig.json compiles to "${tsconfig.outDir ?? '(next to the sources)'}", but limg's typescript Dockerfile copies dist/. Set "outDir": "dist", or run \`limg dockerfile --write\` and adjust the Dockerfile.`)
      }
      return {handler: `${module}.${exportName}`, template: 'typescript', file, warnings}
    }
    const template: Template = ext === '.mjs' || (ext === '.js' && packageJson.type === 'module') ? 'esm' : 'commonjs'
    return {handler: `${file.slice(0, -ext.length)}.${exportName}`, template, file, warnings: []}
  }
  return undefined
}

/** The module format a handler file implies: .mjs is esm, .cjs commonjs, .js follows package.json "type", .ts typescript. */
export function templateForFile(file: string, packageJson: PackageJson): Template {
  const ext = posix.extname(file)
  if (TS_EXTENSIONS.includes(ext)) return 'typescript'
  if (ext === '.mjs') return 'esm'
  if (ext === '.cjs') return 'commonjs'
  return packageJson.type === 'module' ? 'esm' : 'commonjs'
}

/**
 * Names a JavaScript or TypeScript module exports, read with patterns rather than a
 * parser: `exports.x =`, `module.exports.x =`, `module.exports = {x, y: ...}`,
 * `export const|let|var x`, `export [async] function x`, `export {a, b as x}`.
 */
export function exportedNames(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1')
  const names: string[] = []
  const add = (name: string | undefined): void => {
    if (name && /^[A-Za-z_$][\w$]*$/.test(name) && !names.includes(name)) names.push(name)
  }
  for (const m of code.matchAll(/\b(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=/g)) add(m[1])
  for (const m of code.matchAll(/\bmodule\.exports\s*=\s*\{([^}]*)\}/g)) {
    for (const entry of m[1].split(',')) add(entry.trim().match(/^(?:async\s+)?([A-Za-z_$][\w$]*)/)?.[1])
  }
  for (const m of code.matchAll(/\bexport\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)/g)) add(m[1])
  for (const m of code.matchAll(/\bexport\s+(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/g)) add(m[1])
  for (const m of code.matchAll(/\bexport\s*\{([^}]*)\}/g)) {
    for (const entry of m[1].split(',')) {
      const parts = entry.trim().split(/\s+as\s+/)
      add(parts[parts.length - 1]?.trim())
    }
  }
  return names
}

function pickExport(names: string[]): string | undefined {
  return PREFERRED_EXPORTS.find((n) => names.includes(n)) ?? names[0]
}

interface TsconfigPaths {
  rootDir?: string
  outDir?: string
}

async function readTsconfig(dir: string): Promise<TsconfigPaths | undefined> {
  const text = await readFile(join(dir, 'tsconfig.json'), 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  try {
    // tsconfig.json allows comments and trailing commas; JSON.parse does not.
    const json = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"])\/\/.*$/gm, '$1').replace(/,(\s*[}\]])/g, '$1')
    const options = (JSON.parse(json) as {compilerOptions?: Record<string, unknown>}).compilerOptions ?? {}
    return {rootDir: cleanDir(options.rootDir), outDir: cleanDir(options.outDir)}
  } catch {
    return {}
  }
}

function cleanDir(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  return posix.normalize(value.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/$/, '') || '.'
}
