import {LimgError} from '../errors/index.js'

/**
 * Values a template may use. Strings are substituted; `{{#if}}` tests truthiness
 * (non-empty string or `true`). Every name a template mentions must be a key here,
 * even when it is `false`: a missing key is an error, never an empty string.
 */
export type TemplateValues = Readonly<Record<string, string | boolean>>

/**
 * A template file that does not follow the syntax, or names a value the caller did not
 * give. This is a defect in limg or in a user-edited template, so it is not an
 * InvalidInputError.
 */
export class TemplateError extends LimgError {
  constructor(message: string, suggestion?: string) {
    super(message, suggestion, 'TEMPLATE_ERROR', 1)
  }
}

export type TemplateNode =
  | {kind: 'text'; text: string}
  | {kind: 'value'; name: string; line: number}
  | {kind: 'block'; test: 'if' | 'unless'; name: string; line: number; body: TemplateNode[]}

const TAG = /\{\{\s*([#/!]?)\s*([^}]*?)\s*\}\}/g
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Renders limg's template syntax, which is deliberately tiny:
 *
 * - `{{name}}`: the string value `name`.
 * - `{{#if name}}...{{/if}}`: the body when `name` is truthy.
 * - `{{#unless name}}...{{/unless}}`: the body when `name` is falsy.
 * - `{{! comment}}`: nothing.
 *
 * Blocks nest. A line holding only a block or comment tag (and whitespace) disappears
 * with its line break, so templates can put tags on lines of their own. There is no
 * escaping and no `{{` literal: text containing `{{` that is not a tag is an error.
 *
 * @param source the template text
 * @param values the values it may use; any other name is an error
 * @param origin names the template in error messages (a file path, say)
 * @throws TemplateError on a syntax error, an unknown name, or a non-string substitution
 */
export function renderTemplate(source: string, values: TemplateValues, origin = 'template'): string {
  const nodes = parseTemplate(source, origin)
  return renderNodes(nodes, values, origin)
}

/** Parses without rendering; exported so tests and tools can check a template's syntax. */
export function parseTemplate(source: string, origin = 'template'): TemplateNode[] {
  const root: TemplateNode[] = []
  const stack: Array<{node: Extract<TemplateNode, {kind: 'block'}>; parent: TemplateNode[]}> = []
  let current = root
  let last = 0
  const pushText = (from: number, to: number): void => {
    const chunk = source.slice(from, to)
    // A "{{" left in text is a tag the pattern could not read, such as "{{a}" or "{{}}".
    const stray = chunk.indexOf('{{')
    if (stray !== -1) throw syntaxError(origin, lineAt(source, from + stray), 'malformed "{{" tag')
    if (chunk) current.push({kind: 'text', text: chunk})
  }
  for (const match of source.matchAll(TAG)) {
    const index = match.index ?? 0
    const end = index + match[0].length
    const line = lineAt(source, index)
    const [, sigil, body] = match
    if (sigil === '') {
      pushText(last, index)
      last = end
      if (!NAME.test(body)) throw syntaxError(origin, line, `"{{${body}}}" is not a value name`)
      current.push({kind: 'value', name: body, line})
      continue
    }
    // Block and comment tags alone on a line take the whole line with them.
    const lineStart = source.lastIndexOf('\n', index - 1) + 1
    const newline = source.indexOf('\n', end)
    const lineEnd = newline === -1 ? source.length : newline + 1
    const standalone = lineStart >= last && /^[ \t]*$/.test(source.slice(lineStart, index)) && /^[ \t]*\r?\n?$/.test(source.slice(end, lineEnd))
    pushText(last, standalone ? lineStart : index)
    last = standalone ? lineEnd : end
    if (sigil === '!') continue
    if (sigil === '#') {
      const [keyword, name, ...rest] = body.split(/\s+/)
      if ((keyword !== 'if' && keyword !== 'unless') || !name || rest.length > 0 || !NAME.test(name)) {
        throw syntaxError(origin, line, `"{{#${body}}}" is not a block: use {{#if name}} or {{#unless name}}`)
      }
      const node: Extract<TemplateNode, {kind: 'block'}> = {kind: 'block', test: keyword, name, line, body: []}
      current.push(node)
      stack.push({node, parent: current})
      current = node.body
      continue
    }
    const open = stack.pop()
    if (!open) throw syntaxError(origin, line, `"{{/${body}}}" closes no block`)
    if (body !== open.node.test) {
      throw syntaxError(origin, line, `"{{/${body}}}" closes {{#${open.node.test} ${open.node.name}}} from line ${open.node.line}`)
    }
    current = open.parent
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1].node
    throw syntaxError(origin, open.line, `{{#${open.test} ${open.name}}} is never closed`)
  }
  pushText(last, source.length)
  return root
}

function renderNodes(nodes: TemplateNode[], values: TemplateValues, origin: string): string {
  let out = ''
  for (const node of nodes) {
    if (node.kind === 'text') {
      out += node.text
      continue
    }
    const value = lookup(values, node.name, node.line, origin)
    if (node.kind === 'value') {
      if (typeof value !== 'string') {
        throw new TemplateError(`${origin}:${node.line}: "{{${node.name}}}" is a flag (${String(value)}), not text to substitute.`)
      }
      out += value
      continue
    }
    const truthy = value === true || (typeof value === 'string' && value !== '')
    if (truthy === (node.test === 'if')) out += renderNodes(node.body, values, origin)
  }
  return out
}

function lookup(values: TemplateValues, name: string, line: number, origin: string): string | boolean {
  if (!Object.hasOwn(values, name)) {
    const known = Object.keys(values).sort().join(', ') || '(none)'
    throw new TemplateError(`${origin}:${line}: unknown placeholder "${name}".`, `Known values: ${known}.`)
  }
  return values[name]
}

function lineAt(text: string, index: number): number {
  let line = 1
  for (let i = 0; i < index; i++) if (text[i] === '\n') line++
  return line
}

function syntaxError(origin: string, line: number, detail: string): TemplateError {
  return new TemplateError(`${origin}:${line}: template syntax error: ${detail}.`, 'Fix the template; see src/template/template.ts for the syntax.')
}
