import {InvalidInputError} from '../errors/index.js'

/**
 * A Lambda handler, `<file>.<export>` (`index.handler`, `src/app.main`): a module path with
 * no white space, quotes or backslashes (it goes into CMD's JSON), then the export's name.
 */
const HANDLER_FORM = /^[^\s"\\]+\.[A-Za-z_$][\w$]*$/

/** Whether text has a handler's form; nothing is checked against the project. */
export function isHandler(text: string): boolean {
  return HANDLER_FORM.test(text)
}

/** `src/app.main` gives module `src/app` and export `main`; a handler's form is assumed. */
export function splitHandler(handler: string): {module: string; export: string} {
  const dot = handler.lastIndexOf('.')
  return {module: handler.slice(0, dot), export: handler.slice(dot + 1)}
}

/**
 * @throws InvalidInputError for text that is not a handler, or names a file outside the
 *   project (Lambda's runtime refuses "..", and init would write there)
 */
export function validateHandler(handler: string): string {
  if (/["\\]/.test(handler)) {
    throw new InvalidInputError(`Invalid handler "${handler}": quotes and backslashes cannot appear in a handler.`, 'Use <file>.<export>, such as index.handler.')
  }
  if (!isHandler(handler)) {
    throw new InvalidInputError(
      `Invalid handler "${handler}": Lambda wants <file>.<export>, such as index.handler or src/app.main.`,
      'Set "handler" in limg.json or pass --handler.',
    )
  }
  const {module} = splitHandler(handler)
  if (module.startsWith('/') || module.split('/').includes('..')) {
    throw new InvalidInputError(
      `Invalid handler "${handler}": the handler's file must be inside the project (no leading "/" and no "..").`,
      'Name a file relative to the project, such as index.handler or src/app.main.',
    )
  }
  return handler
}
