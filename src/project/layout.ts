import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {getRuntime} from '../catalog/runtimes.js'
import type {ProjectConfig} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import {type InstallPlan, planInstall} from './package-manager.js'
import {typescriptBuild} from './typescript-build.js'

/** The package.json fields limg reads. */
export interface PackageJson {
  main?: unknown
  type?: unknown
  packageManager?: unknown
  scripts?: Record<string, unknown>
}

/** How a TypeScript (or otherwise compiled) function becomes JavaScript in the image. */
export interface BuildStep {
  /** The shell command the build stage runs, e.g. `npm run build`. */
  command: string
  /** Where it writes the JavaScript, relative to the project: it becomes the task root. */
  outDir: string
}

/** What a function's image build needs to know about the project's files. */
export interface FunctionLayout {
  /** The dependency install; null for a function without package.json (a lone handler file). */
  install: InstallPlan | null
  /** How a typescript function compiles. */
  build?: BuildStep
  /** Things to say once per build: no lock file, dev dependencies in the image. */
  notes: string[]
}

/**
 * Reads the project's install (package manager, lock file, registry settings) and, for a
 * typescript function, its build, the way `limg build` renders them into the Dockerfile.
 *
 * @throws InvalidInputError when package.json is not JSON, the install cannot run on the
 *   runtime, or a typescript function has nothing that compiles it
 */
export async function functionLayout(dir: string, config: Pick<ProjectConfig, 'runtime' | 'template' | 'outDir'>): Promise<FunctionLayout> {
  const runtime = getRuntime(config.runtime)
  const packageJson = await readPackageJson(dir)
  const install = packageJson === undefined ? null : await planInstall(dir, runtime, packageJson)
  const notes = [...(install?.notes ?? [])]
  if (config.template !== 'typescript') return {install, notes}

  const compile = await typescriptBuild(dir, packageJson, config.outDir)
  if (!install || !compile) {
    throw new InvalidInputError(
      `${dir} is a typescript function, but nothing compiles it: ${install ? 'package.json has no "build" script and there is no tsconfig.json' : 'there is no package.json'}.`,
      'Add a package.json with a "build" script that compiles to a folder (e.g. "tsc" with "outDir": "dist", or "esbuild index.ts --bundle --platform=node --outfile=dist/index.js").',
    )
  }
  if (compile.outDir === '.') notes.push('The build writes its JavaScript next to the sources, so the image gets the whole project folder with every dependency, devDependencies included. Set an output folder ("outDir" in tsconfig.json or limg.json).')
  // Without a build script, tsc runs from the project's own typescript dependency, never a download.
  const command = compile.script === undefined ? 'node_modules/.bin/tsc' : install.run(compile.script)
  return {install, build: {command, outDir: compile.outDir}, notes}
}

/** package.json as an object, or undefined when there is none. */
export async function readPackageJson(dir: string): Promise<PackageJson | undefined> {
  let text: string
  try {
    text = await readFile(join(dir, 'package.json'), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw error
  }
  try {
    const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as PackageJson) : {}
  } catch (error) {
    throw new InvalidInputError(`${join(dir, 'package.json')} is not valid JSON: ${(error as Error).message}.`, 'Fix package.json, then run limg again.', {cause: error})
  }
}
