/**
 * What a handler's source says about its calling style, read without running it: how many
 * parameters Lambda would see (Function.length: those before the first default or rest
 * parameter) and whether it uses the context's completion methods. Patterns over the code
 * with comments and string contents blanked out; an export limg cannot follow (a wrapper
 * such as middy(fn), a re-export) gives undefined rather than a guess.
 */
export interface HandlerStyle {
  /** Function.length of the handler, when it could be read. */
  arity?: number
  /** `context.succeed`, `context.fail` or `context.done` calls, as written. */
  contextCompletions: string[]
  /** Whether it sets `callbackWaitsForEmptyEventLoop`. */
  waitsForEmptyEventLoop: boolean
}

const IDENT = '[A-Za-z_$][\\w$]*'

export function handlerStyle(source: string, exportName: string): HandlerStyle {
  const code = maskCode(source)
  const params = exportedFunctionParams(code, exportName)
  const arity = params === undefined ? undefined : functionLength(params)
  const contextName = params?.[1] && new RegExp(`^${IDENT}$`).test(params[1].replace(/:.*$/s, '').trim()) ? params[1].replace(/:.*$/s, '').trim() : 'context'
  const completions = [...code.matchAll(new RegExp(`\\b${escapeRegExp(contextName)}\\s*\\.\\s*(succeed|fail|done)\\s*\\(`, 'g'))].map((m) => `${contextName}.${m[1]}`)
  return {
    ...(arity === undefined ? {} : {arity}),
    contextCompletions: [...new Set(completions)],
    waitsForEmptyEventLoop: /\.\s*callbackWaitsForEmptyEventLoop\s*=/.test(code),
  }
}

/**
 * The parameter list of the function exported as `name`, each parameter's text; undefined
 * when it cannot be followed. `local`: `name` is a binding an export pointed at, so
 * `exports.name = name` is not its definition.
 */
function exportedFunctionParams(code: string, name: string, depth = 0, local = false): string[] | undefined {
  if (depth > 3) return undefined
  const n = escapeRegExp(name)
  const declarations: RegExp[] = [
    new RegExp(`\\bexport\\s+(?:default\\s+)?(?:async\\s+)?function\\s*\\*?\\s*${n}\\s*(?:<[^>]*>)?\\s*\\(`, 'g'),
    new RegExp(`(?:^|[^\\w$.])(?:async\\s+)?function\\s*\\*?\\s*${n}\\s*(?:<[^>]*>)?\\s*\\(`, 'g'),
  ]
  for (const pattern of declarations) {
    const match = pattern.exec(code)
    if (match) return paramsAt(code, match.index + match[0].length - 1)
  }
  const assignments: RegExp[] = [
    new RegExp(`\\b(?:const|let|var)\\s+${n}\\b\\s*(?::[^=]+)?=(?!=)`, 'g'),
    ...(local ? [] : [new RegExp(`\\b(?:module\\s*\\.\\s*)?exports\\s*\\.\\s*${n}\\s*=(?!=)`, 'g')]),
  ]
  for (const pattern of assignments) {
    const match = pattern.exec(code)
    if (match) return functionExpressionParams(code, match.index + match[0].length, depth)
  }
  // `export {local as name}`, `module.exports = {name: local}` or `{name}`: follow the local binding.
  const exportList = new RegExp(`\\bexport\\s*\\{[^}]*?\\b(${IDENT})\\s+as\\s+${n}\\b`).exec(code)
  if (exportList && exportList[1] !== name) return exportedFunctionParams(code, exportList[1], depth + 1, true)
  const objectExport = new RegExp(`\\bmodule\\s*\\.\\s*exports\\s*=\\s*\\{[^}]*?\\b${n}\\s*:\\s*(${IDENT})\\b`).exec(code)
  if (objectExport && objectExport[1] !== name) return exportedFunctionParams(code, objectExport[1], depth + 1, true)
  const method = new RegExp(`\\bmodule\\s*\\.\\s*exports\\s*=\\s*\\{[^}]*?\\b(?:async\\s+)?${n}\\s*\\(`).exec(code)
  if (method) return paramsAt(code, method.index + method[0].length - 1)
  return undefined
}

/** Parameters of a function expression starting at `index`: `async (a, b) =>`, `function (a) {`, `event =>`, or a local name. */
function functionExpressionParams(code: string, index: number, depth: number): string[] | undefined {
  const rest = code.slice(index)
  const lead = /^\s*(?:async\s+)?/.exec(rest)?.[0] ?? ''
  const at = index + lead.length
  const text = code.slice(at)
  const fn = /^function\s*\*?\s*(?:[A-Za-z_$][\w$]*)?\s*(?:<[^>]*>)?\s*\(/.exec(text)
  if (fn) return paramsAt(code, at + fn[0].length - 1)
  const generic = /^<[^>]*>\s*\(/.exec(text)
  if (text.startsWith('(') || generic) {
    const open = at + (generic ? generic[0].length - 1 : 0)
    const params = paramsAt(code, open)
    const close = matchingParen(code, open)
    // Only an arrow function: `(a, b)` alone is a call or a grouping.
    const after = close === undefined ? '' : code.slice(close + 1)
    return /^\s*(?::\s*[^=]+?)?\s*=>/.test(after) ? params : undefined
  }
  const single = new RegExp(`^(${IDENT})\\s*=>`).exec(text)
  if (single) return [single[1]]
  const alias = new RegExp(`^(${IDENT})\\s*[;\\n]`).exec(text)
  if (alias && !['async', 'function', 'new', 'await'].includes(alias[1])) return exportedFunctionParams(code, alias[1], depth + 1, true)
  return undefined
}

function paramsAt(code: string, open: number): string[] | undefined {
  const close = matchingParen(code, open)
  if (close === undefined) return undefined
  const inner = code.slice(open + 1, close)
  const params: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]
    if ('([{<'.includes(ch)) depth++
    else if (')]}>'.includes(ch) && !(ch === '>' && inner[i - 1] === '=')) depth--
    else if (ch === ',' && depth === 0) {
      params.push(inner.slice(start, i).trim())
      start = i + 1
    }
  }
  params.push(inner.slice(start).trim())
  return params.filter((p) => p !== '').filter((p) => !/^this\s*:/.test(p))
}

function matchingParen(code: string, open: number): number | undefined {
  let depth = 0
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++
    else if (code[i] === ')' && --depth === 0) return i
  }
  return undefined
}

/** Function.length: parameters before the first one with a default value or a rest parameter. */
function functionLength(params: string[]): number {
  let length = 0
  for (const param of params) {
    if (param.startsWith('...')) break
    // A default at the top level of the parameter (not one inside a destructuring pattern or a type).
    if (/^[^={[(<]*[^=!<>]=(?!>)/.test(param) || /^[{[][\s\S]*[}\]]\s*(?::[^=]*)?=(?!>)/.test(param)) break
    length++
  }
  return length
}

/** The code with comments, strings and template literals blanked (same length, line breaks kept). */
export function maskCode(source: string): string {
  const out = source.split('')
  let i = 0
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' '
  }
  let lastSignificant = ''
  while (i < source.length) {
    const ch = source[i]
    const next = source[i + 1]
    if (ch === '/' && next === '/') {
      const end = source.indexOf('\n', i)
      const stop = end === -1 ? source.length : end
      blank(i, stop)
      i = stop
      continue
    }
    if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2)
      const stop = end === -1 ? source.length : end + 2
      blank(i, stop)
      i = stop
      continue
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      let k = i + 1
      while (k < source.length && source[k] !== ch) {
        if (source[k] === '\\') k++
        else if (ch !== '`' && source[k] === '\n') break
        k++
      }
      blank(i + 1, k)
      i = k + 1
      lastSignificant = ch
      continue
    }
    // A regular expression literal can hold quotes and slashes; it starts where an operand is expected.
    if (ch === '/' && (lastSignificant === '' || '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant))) {
      let k = i + 1
      let inClass = false
      while (k < source.length && source[k] !== '\n') {
        if (source[k] === '\\') k++
        else if (source[k] === '[') inClass = true
        else if (source[k] === ']') inClass = false
        else if (source[k] === '/' && !inClass) break
        k++
      }
      if (source[k] === '/') {
        blank(i + 1, k)
        i = k + 1
        lastSignificant = '/'
        continue
      }
    }
    if (!/\s/.test(ch)) lastSignificant = ch
    i++
  }
  return out.join('')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
