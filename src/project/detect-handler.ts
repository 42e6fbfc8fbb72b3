import {readFile} from 'node:fs/promises'
import {join, posix} from 'node:path'
import {type Architecture, type RuntimeId, RUNTIME_IDS} from '../catalog/runtimes.js'
import {isHandler, splitHandler} from '../config/handler.js'
import type {Template} from '../config/schema.js'
import {dockerfileHandler, finalLambdaBase} from '../dockerfile/own-dockerfile.js'
import type {PackageJson} from './layout.js'
import {readSamFunction} from './sam-template.js'
import {compiledModule, typescriptBuild} from './typescript-build.js'

/** A function found in an existing project. */
export interface DetectedHandler {
  /** `<module>.<export>` as limg.json and Lambda's CMD take it. */
  handler: string
  template: Template
  /** The file it was found in, relative to the project, when limg saw it. */
  file?: string
  /** Where the handler was read: `the Dockerfile's CMD`, `template.yaml`, `index.mjs`. */
  source: string
  /** What the project itself says of its runtime and architecture (a Dockerfile's FROM, a SAM template). */
  runtime?: RuntimeId
  arch?: Architecture
  /** Things the user should know. */
  warnings: string[]
}

/** Module file names tried, in each folder, in this order. */
const BASES = ['index', 'handler', 'app', 'main', 'lambda']
/** Where handlers live in the projects people have: the root, src/, and AWS's samples' function/. */
const FOLDERS = ['', 'src/', 'function/', 'lambda/', 'handler/', 'app/']
const JS_EXTENSIONS = ['.mjs', '.cjs', '.js']
const TS_EXTENSIONS = ['.ts', '.mts', '.cts']
const PREFERRED_EXPORTS = ['handler', 'main', 'lambdaHandler']
const PROJECT_DOCKERFILE = 'Dockerfile'

/**
 * Finds the function of an existing project, in the order its own files say it most
 * clearly: a Dockerfile's CMD (and FROM for the runtime), an AWS SAM template's Handler
 * and CodeUri, TypeScript sources when something compiles them (a "build" script or a
 * tsconfig.json), package.json "main", then index.*, handler.*, app.*, main.* and lambda.*
 * at the root and in src/, function/, lambda/, handler/ and app/. A file counts when it
 * exports a function; "handler" wins over other exports.
 *
 * @returns undefined when nothing looks like a handler
 */
export async function detectHandler(dir: string, packageJson: PackageJson | undefined): Promise<DetectedHandler | undefined> {
  const fromDockerfile = await detectFromDockerfile(dir, packageJson)
  if (fromDockerfile) return fromDockerfile

  const sam = await readSamFunction(dir)
  const samRuntime = sam?.runtime && (RUNTIME_IDS as readonly string[]).includes(sam.runtime) ? (sam.runtime as RuntimeId) : undefined
  const samArch: Architecture | undefined = sam?.arch === 'arm64' || sam?.arch === 'x86_64' ? sam.arch : undefined
  const hints = {...(samRuntime ? {runtime: samRuntime} : {}), ...(samArch ? {arch: samArch} : {})}
  if (sam?.handler) {
    const {module: samModule, export: exportName} = splitHandler(sam.handler)
    const module = posix.join(sam.codeUri ?? '', samModule)
    const file = await firstExisting(dir, JS_EXTENSIONS.map((ext) => module + ext))
    if (file) return {handler: `${module}.${exportName}`, template: templateForFile(file, packageJson ?? {}), file, source: `${sam.file} (${sam.name})`, ...hints, warnings: []}
  }

  const build = packageJson === undefined ? undefined : await typescriptBuild(dir, packageJson)
  const candidates: string[] = []
  if (build) candidates.push(...FOLDERS.flatMap((folder) => BASES.flatMap((base) => TS_EXTENSIONS.map((ext) => `${folder}${base}${ext}`))))
  if (typeof packageJson?.main === 'string') candidates.push(posix.normalize(packageJson.main.replace(/\\/g, '/')).replace(/^\.\//, ''))
  candidates.push(...FOLDERS.flatMap((folder) => BASES.flatMap((base) => JS_EXTENSIONS.map((ext) => `${folder}${base}${ext}`))))

  for (const file of [...new Set(candidates)]) {
    const ext = posix.extname(file)
    const isTs = TS_EXTENSIONS.includes(ext)
    if (!isTs && !JS_EXTENSIONS.includes(ext)) continue
    const text = await readFile(join(dir, file), 'utf8').catch(() => undefined)
    if (text === undefined) continue
    const exportName = pickExport(exportedNames(text))
    if (!exportName) continue
    if (isTs && build) {
      const module = compiledModule(build, file)
      if (module === undefined) continue
      return {handler: `${module}.${exportName}`, template: 'typescript', file, source: file, ...hints, warnings: []}
    }
    return {handler: `${file.slice(0, -ext.length)}.${exportName}`, template: templateForFile(file, packageJson ?? {}), file, source: file, ...hints, warnings: []}
  }
  return undefined
}

/** A TypeScript handler with nothing to compile it, for a message that names the file. */
export async function uncompiledTypescript(dir: string): Promise<string | undefined> {
  return firstExisting(dir, FOLDERS.flatMap((folder) => BASES.flatMap((base) => TS_EXTENSIONS.map((ext) => `${folder}${base}${ext}`))))
}

async function detectFromDockerfile(dir: string, packageJson: PackageJson | undefined): Promise<DetectedHandler | undefined> {
  const text = await readFile(join(dir, PROJECT_DOCKERFILE), 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  const base = finalLambdaBase(text)
  const runtime = base?.major !== undefined ? (`nodejs${base.major}.x` as RuntimeId) : undefined
  const hints = {
    ...(runtime && (RUNTIME_IDS as readonly string[]).includes(runtime) ? {runtime} : {}),
    ...(base?.arch ? {arch: base.arch} : {}),
  }
  const handler = dockerfileHandler(text)
  if (!handler || !isHandler(handler)) return undefined
  const {module} = splitHandler(handler)
  const file = await firstExisting(dir, [...TS_EXTENSIONS, ...JS_EXTENSIONS].flatMap((ext) => [`${module}${ext}`, `src/${module}${ext}`]))
  const template = file ? templateForFile(file, packageJson ?? {}) : 'commonjs'
  return {handler, template, ...(file ? {file} : {}), source: "the Dockerfile's CMD", ...hints, warnings: []}
}

async function firstExisting(dir: string, files: string[]): Promise<string | undefined> {
  for (const file of files) {
    const found = await readFile(join(dir, file)).then(() => true, () => false)
    if (found) return file
  }
  return undefined
}

/** The module format a handler file implies: .mjs is esm, .cjs commonjs, .js follows package.json "type", .ts typescript. */
export function templateForFile(file: string, packageJson: Pick<PackageJson, 'type'>): Template {
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
