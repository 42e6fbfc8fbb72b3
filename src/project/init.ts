import {constants} from 'node:fs'
import {access, readFile, stat} from 'node:fs/promises'
import {basename, dirname, resolve} from 'node:path'
import {type Architecture, type RuntimeId, ARCHITECTURE_IDS, DEFAULT_ARCHITECTURE, RUNTIME_IDS, defaultRuntime, deprecationWarning, getArchitecture, getRuntime} from '../catalog/runtimes.js'
import {CONFIG_FILE} from '../config/load.js'
import {type ProjectConfig, type Template, TEMPLATES, validateCombination, validateHandler, validateName, validateTemplate} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import {fsReason} from '../util/fs-errors.js'
import {detectHandler, templateForFile} from './detect-handler.js'
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
  warnings: string[]
}

interface PackageJson {
  main?: unknown
  type?: unknown
  scripts?: Record<string, unknown>
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
  const adopting = packageJson !== undefined

  // Flags are checked before any question, so a typo fails fast.
  const given = {
    name: options.name === undefined ? undefined : validateName(options.name),
    runtime: options.runtime === undefined ? undefined : getRuntime(options.runtime).id,
    arch: options.arch === undefined ? undefined : getArchitecture(options.arch).id,
    template: options.template === undefined ? undefined : validateTemplate(options.template),
    handler: options.handler === undefined ? undefined : validateHandler(options.handler),
  }

  let detectedTemplate: Template | undefined
  let handler = given.handler
  if (adopting) {
    if (handler === undefined) {
      const found = await detectHandler(dir, packageJson)
      if (!found) {
        throw new InvalidInputError(
          `${dir} has a package.json but no handler limg could find (looked at "main", index.*, handler.*, app.* and src/index.*).`,
          'Pass --handler <file>.<export>, such as --handler index.handler.',
        )
      }
      handler = found.handler
      detectedTemplate = found.template
      warnings.push(...found.warnings)
    } else {
      detectedTemplate = await templateForHandler(dir, handler, packageJson)
      if (!detectedTemplate) warnings.push(`No file for handler "${handler}" in ${dir} yet (looked for ${locateHandler(handler, 'commonjs').projectFiles.join(', ')}).`)
    }
  }

  const answer = async (question: InitQuestion, value: string | undefined): Promise<string> => (value ?? (ask ? ask(question) : question.default))
  const name = await answer(
    {key: 'name', message: 'Function name', default: functionNameFrom(basename(dir)), validate: (v) => void validateName(v)},
    given.name,
  )
  const runtimeId = await answer(
    {key: 'runtime', message: 'Runtime', default: defaultRuntime(now).id, choices: RUNTIME_IDS},
    given.runtime,
  )
  const archId = await answer({key: 'arch', message: 'Architecture', default: DEFAULT_ARCHITECTURE, choices: ARCHITECTURE_IDS}, given.arch)
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
  return {dir, name: config.name, runtime: config.runtime, arch: config.arch, template: config.template, handler: config.handler, files: files.map((f) => f.path), adopted: adopting, warnings}
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

async function adoptionFiles(dir: string, config: ProjectConfig, packageJson: PackageJson, force: boolean, warnings: string[]): Promise<PlannedFile[]> {
  const files: PlannedFile[] = []
  const [hasConfig, hasDockerignore, hasLock] = await Promise.all(
    [CONFIG_FILE, DOCKERIGNORE, 'package-lock.json'].map(async (path) => (await existingTargets(dir, [{path, content: ''}])).length > 0),
  )
  if (hasConfig && !force) {
    throw new InvalidInputError(`${dir} already has ${CONFIG_FILE}; nothing was written.`, `Pass --force to rewrite ${CONFIG_FILE} (no other file is touched).`)
  }
  files.push({path: CONFIG_FILE, content: configFileContent(config)})
  if (!hasDockerignore) files.push(dockerignoreFile())
  if (!hasLock) {
    warnings.push('No package-lock.json: the image installs dependencies with `npm ci`, which needs one. Run `npm install --package-lock-only --lockfile-version 2`.')
  }
  if (config.template === 'typescript' && typeof packageJson.scripts?.build !== 'string') {
    warnings.push('package.json has no "build" script; the typescript Dockerfile runs `npm run build` to compile into dist/. Add "build": "tsc".')
  }
  return files
}

async function templateForHandler(dir: string, handler: string, packageJson: PackageJson): Promise<Template | undefined> {
  const location = locateHandler(handler, 'commonjs')
  const tsLocation = locateHandler(handler, 'typescript')
  for (const file of [...tsLocation.projectFiles, ...location.projectFiles]) {
    if ((await existingTargets(dir, [{path: file, content: ''}])).length > 0) return templateForFile(file, packageJson)
  }
  return undefined
}

async function readPackageJson(dir: string): Promise<PackageJson | undefined> {
  let text: string
  try {
    text = await readFile(resolve(dir, 'package.json'), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw error
  }
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as PackageJson) : {}
  } catch (error) {
    throw new InvalidInputError(`${resolve(dir, 'package.json')} is not valid JSON: ${(error as Error).message}.`, 'Fix package.json, then run limg init again.', {cause: error})
  }
}
