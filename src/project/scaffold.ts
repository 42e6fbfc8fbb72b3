import {readdirSync, readFileSync} from 'node:fs'
import {join, posix, relative, sep} from 'node:path'
import {locateHandler} from '../dockerfile/handler-file.js'
import {renderTemplate} from '../template/template.js'
import {packagePath} from '../util/package-files.js'
import {CONFIG_FILE} from '../config/load.js'
import type {ProjectConfig, Template} from '../config/schema.js'
import {configFileContent} from './limg-json.js'
import {packageNameFor} from './names.js'
import {typescriptToolchain} from './typescript-toolchain.js'
import type {PlannedFile} from './write-files.js'

/** The handler file each project template ships, and the extension it keeps when renamed for another handler. */
const HANDLER_TEMPLATE_FILE: Record<Template, {file: string; dir: string; ext: string}> = {
  commonjs: {file: 'index.js', dir: '', ext: '.js'},
  esm: {file: 'index.mjs', dir: '', ext: '.mjs'},
  typescript: {file: 'src/index.ts', dir: 'src/', ext: '.ts'},
}

export const DOCKERIGNORE = '.dockerignore'

/**
 * Every file of a new project: templates/project/common plus templates/project/<template>,
 * rendered, with the handler file renamed for the handler's module, a package-lock.json
 * (lockfileVersion 2, which every runtime's npm reads) and limg.json.
 */
export function scaffoldFiles(config: ProjectConfig): PlannedFile[] {
  const root = packagePath('templates', 'project')
  const location = locateHandler(config.handler, config.template)
  const handlerTemplate = HANDLER_TEMPLATE_FILE[config.template]
  const handlerPath = `${handlerTemplate.dir}${location.module}${handlerTemplate.ext}`
  const toolchain = typescriptToolchain(config.runtime)
  const values = {
    name: config.name,
    packageName: packageNameFor(config.name),
    handler: config.handler,
    handlerExport: location.export,
    mainFile: config.template === 'typescript' ? `dist/${location.module}.js` : handlerPath,
    typescriptVersion: toolchain.typescript,
    typesAwsLambdaVersion: toolchain.typesAwsLambda,
    tsTarget: toolchain.target,
  }
  const render = (file: string): string => renderTemplate(readFileSync(file, 'utf8'), values, file)

  const files: PlannedFile[] = []
  for (const folder of ['common', config.template]) {
    for (const file of listFiles(join(root, folder))) {
      const templatePath = relative(join(root, folder), file).split(sep).join(posix.sep)
      const path = templatePath === handlerTemplate.file ? handlerPath : projectPath(templatePath)
      files.push({path, content: render(file)})
    }
  }
  const lock = config.template === 'typescript' ? `typescript-${toolchain.typescript}.json` : 'no-dependencies.json'
  files.push({path: 'package-lock.json', content: render(join(root, 'locks', lock))})
  files.push({path: CONFIG_FILE, content: configFileContent(config)})
  return files
}

/** The .dockerignore every project gets, for adoption of projects that lack one. */
export function dockerignoreFile(): PlannedFile {
  const file = packagePath('templates', 'project', 'common', `_${DOCKERIGNORE.slice(1)}`)
  return {path: DOCKERIGNORE, content: renderTemplate(readFileSync(file, 'utf8'), {}, file)}
}

// Stored as "_name" so package managers and editors leave dotfiles alone; ".tmpl" keeps
// tools from treating a template as the real file.
function projectPath(templatePath: string): string {
  return templatePath
    .split('/')
    .map((part) => part.replace(/^_/, '.').replace(/\.tmpl$/, ''))
    .join('/')
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true})
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
}
