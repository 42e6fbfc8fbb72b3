import {readFile} from 'node:fs/promises'
import {join, posix} from 'node:path'

/** How a TypeScript function compiles: what runs, and where the JavaScript lands. */
export interface TypescriptBuild {
  /** The package.json script that compiles; undefined when tsc runs straight from tsconfig.json. */
  script?: string
  /** The output folder, relative to the project: the task root in the image. */
  outDir: string
  /** Where outDir was read, for messages: `tsconfig.json`, `the "build" script`, ... */
  outDirSource: string
  /** The folder compiled module paths are relative to (tsc's rootDir). */
  rootDir: string
  /** A bundler's single output module (esbuild --outfile=dist/index.js gives index). */
  outModule?: string
  /** A bundler writes one entry point's output at the top of outDir, whatever folder it came from. */
  flattens: boolean
}

interface PackageJsonFields {
  main?: unknown
  scripts?: Record<string, unknown>
}

interface TsconfigPaths {
  rootDir?: string
  outDir?: string
}

export const BUILD_SCRIPT = 'build'

/**
 * Reads how the project compiles: its "build" script (tsc, esbuild, ncc, swc and the like,
 * with or without a tsconfig.json, as AWS's TypeScript guide shows both), or tsc on its
 * tsconfig.json when there is no script. The output folder comes from limg.json's `outDir`,
 * then the script's own flag (`--outDir`, `--outdir`, `--outfile`, `-o`, `--out-dir`), then
 * tsconfig.json, then the folder of package.json "main", then dist/.
 *
 * @returns undefined when nothing compiles the project (no build script, no tsconfig.json)
 */
export async function typescriptBuild(dir: string, packageJson: PackageJsonFields | undefined, configOutDir?: string): Promise<TypescriptBuild | undefined> {
  const tsconfig = await readTsconfig(dir)
  const script = typeof packageJson?.scripts?.[BUILD_SCRIPT] === 'string' ? (packageJson.scripts[BUILD_SCRIPT] as string) : undefined
  if (script === undefined && tsconfig === undefined) return undefined
  const flags = script === undefined ? {} : outputFlags(script)
  const main = typeof packageJson?.main === 'string' && /\.[cm]?js$/.test(packageJson.main) ? cleanDir(posix.dirname(packageJson.main.replace(/\\/g, '/'))) : undefined
  const [outDir, outDirSource] =
    configOutDir !== undefined ? [cleanDir(configOutDir) ?? '.', 'limg.json outDir']
    : flags.outDir !== undefined ? [flags.outDir, `the "${BUILD_SCRIPT}" script`]
    : tsconfig?.outDir !== undefined ? [tsconfig.outDir, 'tsconfig.json']
    : main !== undefined && main !== '.' ? [main, 'package.json "main"']
    : ['dist', 'the default']
  return {
    ...(script === undefined ? {} : {script: BUILD_SCRIPT}),
    outDir,
    outDirSource,
    rootDir: tsconfig?.rootDir ?? '',
    ...(flags.outModule === undefined ? {} : {outModule: flags.outModule}),
    // ncc always writes index.js; esbuild and tsup name the output after the entry point.
    ...(flags.outModule === undefined && /\bncc\b/.test(script ?? '') ? {outModule: 'index'} : {}),
    flattens: /\b(esbuild|tsup)\b/.test(script ?? ''),
  }
}

/**
 * The module a TypeScript source compiles to, relative to the output folder:
 * src/index.ts with rootDir src (or, without one, sources under src/) gives index.
 *
 * @returns undefined when the source lies outside the rootDir
 */
export function compiledModule(build: TypescriptBuild, sourceFile: string): string | undefined {
  if (build.outModule !== undefined) return build.outModule
  if (build.flattens) return posix.basename(sourceFile).replace(/\.[cm]?ts$/, '')
  const rootDir = build.rootDir !== '' ? build.rootDir : sourceFile.startsWith('src/') ? 'src' : '.'
  const module = posix.relative(rootDir, sourceFile.replace(/\.[cm]?ts$/, ''))
  return module.startsWith('..') ? undefined : module
}

/** The output flag of the first compiler call in a script; a later `&&` step is not searched. */
function outputFlags(script: string): {outDir?: string; outModule?: string} {
  const words = script.split(/\s+/).filter(Boolean)
  for (let i = 0; i < words.length; i++) {
    const [flag, inline] = words[i].split(/=(.*)/s, 2)
    const value = (inline ?? words[i + 1] ?? '').replace(/^["']|["']$/g, '')
    if (value === '' || value.startsWith('-')) continue
    if (flag === '--outfile' || flag === '--out-file') {
      const file = value.replace(/\\/g, '/')
      return {outDir: cleanDir(posix.dirname(file)) ?? '.', outModule: posix.basename(file).replace(/\.[cm]?js$/, '')}
    }
    if (['--outDir', '--outdir', '--out-dir', '-d', '-o', '--out'].includes(flag)) {
      const dir = cleanDir(value)
      if (dir !== undefined) return {outDir: dir}
    }
  }
  return {}
}

async function readTsconfig(dir: string): Promise<TsconfigPaths | undefined> {
  const text = await readFile(join(dir, 'tsconfig.json'), 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  try {
    // tsconfig.json allows comments and trailing commas; JSON.parse does not.
    const json = text.replace(/^\uFEFF/, '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"])\/\/.*$/gm, '$1').replace(/,(\s*[}\]])/g, '$1')
    const options = (JSON.parse(json) as {compilerOptions?: Record<string, unknown>}).compilerOptions ?? {}
    return {...optional('rootDir', cleanDir(options.rootDir)), ...optional('outDir', cleanDir(options.outDir))}
  } catch {
    return {}
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({[key]: value} as Record<K, string>)
}

function cleanDir(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const dir = posix.normalize(value.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/$/, '') || '.'
  return dir.startsWith('..') || dir.startsWith('/') ? undefined : dir
}
