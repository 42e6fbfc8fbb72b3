import {constants} from 'node:fs'
import {access, stat} from 'node:fs/promises'
import {basename, dirname, resolve} from 'node:path'
import {type Architecture, type RuntimeId, ARCHITECTURE_IDS, DEFAULT_ARCHITECTURE, RUNTIME_IDS, defaultRuntime, deprecationWarning, getArchitecture, getRuntime} from '../catalog/runtimes.js'
import {CONFIG_FILE} from '../config/load.js'
import {validateHandler} from '../config/handler.js'
import {type ProjectConfig, type Template, TEMPLATES, validateCombination, validateName, validateTemplate} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import {fsReason} from '../util/fs-errors.js'
import {type DetectedHandler, detectHandler, templateForFile, uncompiledTypescript} from './detect-handler.js'
import {type PackageJson, readPackageJson} from './layout.js'
import {planInstall} from './package-manager.js'
import {typescriptBuild} from './typescript-build.js'
import {configFileContent, initialConfig} from './limg-json.js'
import {functionNameFrom} from './names.js'
import {DOCKERIGNORE, dockerignoreFile, scaffoldFiles} from './scaffold.js'
import {type PlannedFile, existingTargets, writeFilesAtomically} from './write-files.js'
import {locateHandler} from '../dockerfile/handler-file.js'

export interface InitOptions {
  /** The project directory; created when missing. */
  dir: string
  name?: string
  runtime?: string
  arch?: string
  template?: string
  handler?: string
  /** Overwrite files that exist (a new project), or rewrite limg.json (an adopted one). */
  force?: boolean
  signal?: AbortSignal
  now?: Date
}

/** One question for the user; `choices` restricts the answer. Resolves to the answer, or the default on an empty line. */
export interface InitQuestion {
  key: 'name' | 'runtime' | 'arch' | 'template'
  message: string
  default: string
  choices?: readonly string[]
  validate?: (answer: string) => void
}

/** Asks a question on a terminal. Init passes only the values no flag gave. */
export type Ask = (question: InitQuestion) => Promise<string>

export interface InitResult {
  dir: string
  name: string
  runtime: RuntimeId
  arch: Architecture
  template: Template
  handler: string
  /** Files written, relative to dir. */
  files: string[]
  /** True when dir already held a function and only limg's files were added. */
  adopted: boolean
  /** Where an adopted function's handler was read: `index.mjs`, `the Dockerfile's CMD`, `template.yaml (fn)`. */
  handlerSource?: string
  warnings: string[]
}

/**
 * `limg init`: makes a new function project in `dir`, or adopts the function already
 * there (a package.json and a handler file), writing only limg.json and .dockerignore
 * where missing. Everything is validated, and every target checked, before the first
 * file is written; a refusal writes nothing.
 *
 * @param ask called for each value no option gave, on a terminal; without it defaults apply
 * @throws InvalidInputError naming the valid choices for a bad name, runtime, arch,
 *   template or combination; listing the files that exist when `force` is not set; or
 *   asking for --handler when an existing project's handler cannot be found
 */
export async function initProject(options: InitOptions, ask?: Ask): Promise<InitResult> {
  const dir = resolve(options.dir)
  const now = options.now ?? new Date()
  const warnings: string[] = []
  await checkWritableFolder(dir)
  const packageJson = await readPackageJson(dir)

  // Flags are checked before any question, so a typo fails fast.
  const given = {
    name: options.name === undefined ? undefined : validateName(options.name),
    runtime: options.runtime === undefined ? undefined : getRuntime(options.runtime).id,
    arch: options.arch === undefined ? undefined : getArchitecture(options.arch).id,
    template: options.template === undefined ? undefined : validateTemplate(options.template),
    handler: options.handler === undefined ? undefined : validateHandler(options.handler),
  }

  // A folder holding a function of its own (a package.json, a Dockerfile, a SAM template or
  // only a handler file) is adopted: limg adds its files beside it and changes none.
  const detected = given.handler === undefined ? await detectHandler(dir, packageJson) : undefined
  const adopting = packageJson !== undefined || detected !== undefined || (given.handler !== undefined && (await templateForHandler(dir, given.handler, packageJson ?? {})) !== undefined)
  let detectedTemplate: Template | undefined
  let handler = given.handler
  if (adopting) {
    if (handler === undefined) {
      if (!detected) throw await noHandlerError(dir)
      handler = detected.handler
      detectedTemplate = detected.template
      warnings.push(...detected.warnings)
    } else {
      detectedTemplate = await templateForHandler(dir, handler, packageJson ?? {})
      if (!detectedTemplate) warnings.push(`No file for handler "${handler}" in ${dir} yet (looked for ${locateHandler(handler, 'commonjs').projectFiles.join(', ')}).`)
    }
  }
  checkAgainstProject(detected, given.runtime, given.arch)

  const answer = async (question: InitQuestion, value: string | undefined): Promise<string> => (value ?? (ask ? ask(question) : question.default))
  const name = await answer(
    {key: 'name', message: 'Function name', default: functionNameFrom(basename(dir)), validate: (v) => void validateName(v)},
    given.name,
  )
  const runtimeId = await answer(
    {key: 'runtime', message: 'Runtime', default: detected?.runtime ?? defaultRuntime(now).id, choices: RUNTIME_IDS},
    given.runtime ?? detected?.runtime,
  )
  const archId = await answer({key: 'arch', message: 'Architecture', default: detected?.arch ?? DEFAULT_ARCHITECTURE, choices: ARCHITECTURE_IDS}, given.arch ?? detected?.arch)
  const templateId = await answer(
    {key: 'template', message: 'Template', default: 'commonjs', choices: TEMPLATES},
    given.template ?? detectedTemplate,
  )

  const runtime = getRuntime(runtimeId)
  const template = validateTemplate(templateId)
  validateCombination(runtime.id, template)
  if (detectedTemplate && template !== detectedTemplate) {
    warnings.push(`The handler looks like ${detectedTemplate}, but --template says ${template}; limg builds it as ${template}.`)
  }
  const config = initialConfig({name: validateName(name), runtime: runtime.id, arch: getArchitecture(archId).id, template, handler: handler ?? 'index.handler'})
  const deprecation = deprecationWarning(runtime, now)
  if (deprecation) warnings.push(deprecation)

  const files = adopting ? await adoptionFiles(dir, config, packageJson, options.force === true, warnings) : scaffoldFiles(config)
  if (!adopting && options.force !== true) {
    const existing = await existingTargets(dir, files)
    if (existing.length > 0) {
      throw new InvalidInputError(`${dir} already has ${existing.join(', ')}; nothing was written.`, 'Pass --force to overwrite them, or choose another directory.')
    }
  }
  try {
    await writeFilesAtomically(dir, files, options.signal)
  } catch (error) {
    // Checked above, but the folder can change in between (or refuse root: an immutable one).
    const reason = fsReason(error)
    if (!reason) throw error
    throw new InvalidInputError(`Cannot write the project into ${dir}: ${reason}.`, 'Choose a folder you can write to (or fix its permissions), then run limg init again.', {cause: error})
  }
  return {
    dir,
    name: config.name,
    runtime: config.runtime,
    arch: config.arch,
    template: config.template,
    handler: config.handler,
    files: files.map((f) => f.path),
    adopted: adopting,
    ...(detected ? {handlerSource: detected.source} : {}),
    warnings,
  }
}

/** A runtime or architecture flag that contradicts the project's own Dockerfile or SAM template would build the wrong image. */
function checkAgainstProject(detected: DetectedHandler | undefined, runtime: string | undefined, arch: string | undefined): void {
  if (!detected) return
  if (runtime && detected.runtime && runtime !== detected.runtime) {
    throw new InvalidInputError(`--runtime ${runtime} contradicts ${detected.source}, which says ${detected.runtime}; nothing was written.`, `Leave --runtime out to take ${detected.runtime}, or change the project's own file first.`)
  }
  if (arch && detected.arch && arch !== detected.arch) {
    throw new InvalidInputError(`--arch ${arch} contradicts ${detected.source}, which says ${detected.arch}; nothing was written.`, `Leave --arch out to take ${detected.arch}, or change the project's own file first.`)
  }
}

async function noHandlerError(dir: string): Promise<InvalidInputError> {
  const ts = await uncompiledTypescript(dir)
  if (ts) {
    return new InvalidInputError(
      `${dir} has ${ts}, but nothing compiles it: package.json has no "build" script and there is no tsconfig.json.`,
      'Add a "build" script (e.g. "tsc" with a tsconfig.json, or "esbuild ' + ts + ' --bundle --platform=node --outfile=dist/index.js") and run limg init again, or pass --handler.',
    )
  }
  return new InvalidInputError(
    `${dir} has a package.json but no handler limg could find (looked at the Dockerfile's CMD, template.yaml, "main", and index.*, handler.*, app.*, main.*, lambda.* at the root and in src/, function/, lambda/, handler/, app/).`,
    'Pass --handler <file>.<export>, such as --handler index.handler.',
  )
}

/**
 * The project folder must be a folder, or not exist yet under a folder that does, and be
 * writable: checked before anything is asked or written, with what to do instead of an
 * ENOTDIR or EACCES from the first write.
 */
async function checkWritableFolder(dir: string): Promise<void> {
  let existing = dir
  for (;;) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      const reason = fsReason(error)
      if (!reason) throw error
      throw new InvalidInputError(`Cannot use ${dir} for the project: ${reason}.`, 'Choose another directory.', {cause: error})
    })
    if (info?.isDirectory()) break
    if (info) {
      throw existing === dir
        ? new InvalidInputError(`${dir} is a file; limg init needs a folder there.`, 'Choose another directory, or move the file away.')
        : new InvalidInputError(`Cannot create ${dir}: ${existing} is a file, not a folder.`, 'Choose another directory.')
    }
    const parent = dirname(existing)
    if (parent === existing) break
    existing = parent
  }
  try {
    await access(existing, constants.W_OK | constants.X_OK)
  } catch (error) {
    const reason = fsReason(error) ?? (error as Error).message
    const where = existing === dir ? dir : `${existing} (to create ${dir} in it)`
    throw new InvalidInputError(`Cannot write into ${where}: ${reason}.`, 'Choose a folder you can write to, or fix its permissions.', {cause: error})
  }
}

async function adoptionFiles(dir: string, config: ProjectConfig, packageJson: PackageJson | undefined, force: boolean, warnings: string[]): Promise<PlannedFile[]> {
  const files: PlannedFile[] = []
  const [hasConfig, hasDockerignore] = await Promise.all(
    [CONFIG_FILE, DOCKERIGNORE].map(async (path) => (await existingTargets(dir, [{path, content: ''}])).length > 0),
  )
  if (hasConfig && !force) {
    throw new InvalidInputError(`${dir} already has ${CONFIG_FILE}; nothing was written.`, `Pass --force to rewrite ${CONFIG_FILE} (no other file is touched).`)
  }
  files.push({path: CONFIG_FILE, content: configFileContent(config)})
  if (!hasDockerignore) files.push(dockerignoreFile())
  if (packageJson !== undefined) {
    // The same reading limg build makes, so what init says is what the build does.
    const install = await planInstall(dir, getRuntime(config.runtime), packageJson)
    warnings.push(...install.notes)
  }
  if (config.template === 'typescript' && !(await typescriptBuild(dir, packageJson))) {
    warnings.push('Nothing compiles this TypeScript: add a "build" script to package.json (tsc or esbuild); limg build runs it.')
  }
  return files
}

async function templateForHandler(dir: string, handler: string, packageJson: PackageJson): Promise<Template | undefined> {
  const location = locateHandler(handler, 'commonjs')
  const tsFiles = [...locateHandler(handler, 'typescript').projectFiles, ...['.ts', '.mts', '.cts'].map((ext) => location.module + ext)]
  for (const file of [...tsFiles, ...location.projectFiles]) {
    if ((await existingTargets(dir, [{path: file, content: ''}])).length > 0) return templateForFile(file, packageJson)
  }
  return undefined
}
