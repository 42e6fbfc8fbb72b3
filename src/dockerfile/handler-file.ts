import {splitHandler, validateHandler} from '../config/handler.js'
import type {Template} from '../config/schema.js'

/** A handler string taken apart, with the files Lambda would load it from. */
export interface HandlerLocation {
  /** The module path without extension, relative to the task root: `index`, `src/app`. */
  module: string
  /** The exported function's name. */
  export: string
  /**
   * Files relative to the image's task root (/var/task), in the order Lambda's Node.js
   * runtime tries them (`.js`, then `.mjs`, then `.cjs`); the handler works if one exists.
   * For typescript these are the compiled files: dist/ becomes the task root.
   */
  imageFiles: string[]
  /**
   * Files relative to the project directory that hold the handler's source: the same
   * as imageFiles, except for typescript, where they are the sources under src/.
   */
  projectFiles: string[]
}

const EXTENSIONS = ['.js', '.mjs', '.cjs']
const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts']

/**
 * Splits `<file>.<export>` (`index.handler`, `src/app.main`) into module and export, and
 * lists where the module's file may be: `index.handler` gives index.js, index.mjs,
 * index.cjs; with typescript the image holds the compiled dist/index.js as index.js and
 * the project holds src/index.ts.
 *
 * @throws InvalidInputError when the handler is not `<file>.<export>`
 */
export function locateHandler(handler: string, template: Template): HandlerLocation {
  const {module, export: exportName} = splitHandler(validateHandler(handler))
  const imageFiles = EXTENSIONS.map((ext) => `${module}${ext}`)
  const projectFiles = template === 'typescript' ? TYPESCRIPT_EXTENSIONS.map((ext) => `src/${module}${ext}`) : imageFiles
  return {module, export: exportName, imageFiles, projectFiles}
}
