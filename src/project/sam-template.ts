import {readFile} from 'node:fs/promises'
import {join, posix} from 'node:path'

/** A Node.js function as an AWS SAM template declares it (the fields limg adopts). */
export interface SamFunction {
  file: string
  /** The resource's logical id. */
  name: string
  handler?: string
  runtime?: string
  codeUri?: string
  arch?: string
}

const TEMPLATE_FILES = ['template.yaml', 'template.yml']
const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function'])

type Node = string | Node[] | {[key: string]: Node}

/**
 * The first Node.js function of the project's SAM template (template.yaml or .yml), with
 * Globals applied, as AWS's sample applications declare them. Only block-style maps, lists
 * and plain scalars are read: enough for these fields, not a YAML parser.
 */
export async function readSamFunction(dir: string): Promise<SamFunction | undefined> {
  for (const file of TEMPLATE_FILES) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => undefined)
    if (text === undefined) continue
    const root = parseBlockYaml(text)
    if (!isMap(root)) return undefined
    const globals = pick(pick(root, 'Globals'), 'Function')
    const resources = pick(root, 'Resources')
    if (!isMap(resources)) return undefined
    for (const [name, resource] of Object.entries(resources)) {
      if (!isMap(resource) || !FUNCTION_TYPES.has(scalar(resource.Type) ?? '')) continue
      const props = pick(resource, 'Properties')
      const runtime = scalar(pick(props, 'Runtime')) ?? scalar(pick(globals, 'Runtime'))
      if (runtime !== undefined && !runtime.startsWith('nodejs')) continue
      const handler = scalar(pick(props, 'Handler')) ?? scalar(pick(globals, 'Handler'))
      const codeUri = scalar(pick(props, 'CodeUri')) ?? scalar(pick(globals, 'CodeUri'))
      const archs = pick(props, 'Architectures') ?? pick(globals, 'Architectures')
      const arch = Array.isArray(archs) ? scalar(archs[0]) : undefined
      return {
        file,
        name,
        ...(handler === undefined ? {} : {handler}),
        ...(runtime === undefined ? {} : {runtime}),
        ...(codeUri === undefined ? {} : {codeUri: cleanCodeUri(codeUri)}),
        ...(arch === undefined ? {} : {arch}),
      }
    }
  }
  return undefined
}

/** `function/.` and `./function/` are the folder `function`; `.` is the project itself. */
function cleanCodeUri(uri: string): string {
  const dir = posix.normalize(uri.replace(/\\/g, '/')).replace(/\/$/, '')
  return dir === '.' ? '' : dir
}

function isMap(node: Node | undefined): node is {[key: string]: Node} {
  return typeof node === 'object' && node !== null && !Array.isArray(node)
}

function pick(node: Node | undefined, key: string): Node | undefined {
  return isMap(node) ? node[key] : undefined
}

function scalar(node: Node | undefined): string | undefined {
  return typeof node === 'string' ? node : undefined
}

interface Line {
  indent: number
  text: string
}

/** Block maps, block lists and scalars by indentation; flow collections and tags (`!Ref x`) are kept as text. */
export function parseBlockYaml(text: string): Node {
  const lines: Line[] = []
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const withoutComment = raw.replace(/(^|\s)#.*$/, '')
    if (withoutComment.trim() === '' || withoutComment.trim() === '---') continue
    lines.push({indent: raw.length - raw.trimStart().length, text: withoutComment.trim()})
  }
  let i = 0
  const parse = (indent: number): Node => {
    const first = lines[i]
    if (!first || first.indent < indent) return ''
    if (first.text.startsWith('- ') || first.text === '-') {
      const list: Node[] = []
      while (i < lines.length && lines[i].indent === first.indent && (lines[i].text.startsWith('- ') || lines[i].text === '-')) {
        const item = lines[i].text.slice(1).trim()
        i++
        list.push(item === '' ? parse(first.indent + 1) : unquote(item))
      }
      return list
    }
    const map: {[key: string]: Node} = {}
    while (i < lines.length && lines[i].indent === first.indent) {
      const match = /^("[^"]*"|'[^']*'|[^:]+?)\s*:(?:\s+(.*))?$/.exec(lines[i].text)
      i++
      if (!match) continue
      const key = unquote(match[1])
      const value = match[2]
      const next = lines[i]
      // A block list may sit at its key's own indentation.
      const nested = next !== undefined && (next.indent > first.indent || (next.indent === first.indent && next.text.startsWith('- ')))
      map[key] = value === undefined || value === '' ? (nested ? parse(next.indent) : '') : unquote(value)
    }
    return map
  }
  return parse(0)
}

function unquote(text: string): string {
  return text.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1')
}
