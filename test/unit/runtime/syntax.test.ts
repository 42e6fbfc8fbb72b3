import {strict as assert} from 'node:assert'
import {execFileSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parse} from 'acorn'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const baseDir = join(repoRoot, 'base')

// APIs the runtime files must not use because Node 12.22 lacks them.
const NEWER_GLOBALS = new Set(['fetch', 'structuredClone', 'AbortController', 'AbortSignal', 'Blob', 'WeakRef'])
const NEWER_MEMBERS = new Set(['randomUUID', 'replaceAll', 'at', 'hasOwn', 'findLast', 'findLastIndex', 'any', 'throwIfAborted'])

interface AstNode {
  type: string
  start: number
  [key: string]: unknown
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string'
}

function* walk(node: AstNode): Generator<AstNode> {
  yield node
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) yield* walk(item)
    } else if (isNode(value)) {
      yield* walk(value)
    }
  }
}

function moduleName(node: AstNode): string | undefined {
  const literal = node.type === 'ImportExpression' ? node.source : node.type === 'CallExpression' ? (node.arguments as AstNode[])[0] : undefined
  return isNode(literal) && literal.type === 'Literal' && typeof literal.value === 'string' ? literal.value : undefined
}

/**
 * Problems that would stop code from running on Node 12.22. Parsing as ES2020
 * lets dynamic import() through (Node 12.22 has it); the ES2020 syntax Node 12
 * lacks is rejected by name.
 */
export function node12Problems(source: string): string[] {
  let ast: AstNode
  try {
    ast = parse(source, {ecmaVersion: 2020, sourceType: 'script', allowHashBang: true}) as unknown as AstNode
  } catch (error) {
    return [`does not parse as ES2020: ${(error as Error).message}`]
  }
  const problems: string[] = []
  for (const node of walk(ast)) {
    const at = `at offset ${node.start}`
    if (node.type === 'ChainExpression') problems.push(`optional chaining ${at}`)
    if (node.type === 'LogicalExpression' && node.operator === '??') problems.push(`nullish coalescing ${at}`)
    if (node.type === 'Literal' && typeof node.bigint === 'string') problems.push(`BigInt literal ${at}`)
    if (node.type === 'MetaProperty') problems.push(`import.meta ${at}`)
    if (node.type === 'Identifier' && NEWER_GLOBALS.has(node.name as string)) problems.push(`${node.name as string} ${at}`)
    if (node.type === 'MemberExpression' && !node.computed && isNode(node.property) && NEWER_MEMBERS.has(node.property.name as string)) {
      problems.push(`.${node.property.name as string} ${at}`)
    }
    const name = (node.type === 'ImportExpression' || (node.type === 'CallExpression' && isNode(node.callee) && node.callee.name === 'require')) && moduleName(node)
    if (name && name.startsWith('node:')) problems.push(`'${name}' ${at}`)
  }
  return problems
}

function filesEndingIn(extension: string): string[] {
  const found: string[] = []
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (entry.name.endsWith(extension)) found.push(path)
    }
  }
  visit(baseDir)
  return found.sort()
}

function runtimeFiles(): string[] {
  return [...filesEndingIn('.js'), join(baseDir, 'rie/aws-lambda-rie')].sort()
}

/**
 * ES modules of the runtime client. Only Node.js 18 and later load them (module hooks for
 * NODE_PATH), so they may use what Node 18 parses; every other file must run on Node 12.22.
 */
export function node18ModuleProblems(source: string): string[] {
  try {
    parse(source, {ecmaVersion: 2022, sourceType: 'module'})
    return []
  } catch (error) {
    return [`does not parse as an ES2022 module: ${(error as Error).message}`]
  }
}

describe('runtime files for the offline base image', () => {
  const files = runtimeFiles()

  it('include the emulator and the runtime client', () => {
    const names = files.map((f) => relative(baseDir, f))
    assert.ok(names.includes('rie/aws-lambda-rie'))
    assert.ok(names.includes('runtime/limg-ric/main.js'))
    assert.ok(names.length >= 9, names.join(', '))
  })

  it('use no syntax or API newer than Node 12.22', () => {
    const report = files
      .map((file) => ({file: relative(repoRoot, file), problems: node12Problems(readFileSync(file, 'utf8'))}))
      .filter((r) => r.problems.length > 0)
    assert.deepEqual(report, [])
  })

  it('pass node --check', function () {
    this.timeout(30_000)
    for (const file of [...files, ...filesEndingIn('.mjs')]) execFileSync(process.execPath, ['--check', file], {stdio: 'pipe'})
  })

  it('keep ES modules, loaded on Node 18 and later only, to what Node 18 parses', () => {
    const modules = filesEndingIn('.mjs')
    assert.deepEqual(modules.map((f) => relative(baseDir, f)), ['runtime/limg-ric/esm-node-path-hooks.mjs'])
    assert.deepEqual(modules.map((f) => node18ModuleProblems(readFileSync(f, 'utf8'))), [[]])
    assert.equal(node18ModuleProblems('export const a = 1\nawait a').length, 0)
    assert.equal(node18ModuleProblems('export const a = 1 |> f').length, 1)
  })

  it('the checker catches what Node 12 cannot run', () => {
    assert.deepEqual(node12Problems('const a = {}; a?.b'), ['optional chaining at offset 14'])
    assert.equal(node12Problems('x ?? y').length, 1)
    assert.equal(node12Problems('const n = 10n').length, 1)
    assert.equal(node12Problems("require('node:fs')").length, 1)
    assert.equal(node12Problems("import('node:fs')").length, 1)
    assert.equal(node12Problems('fetch("http://x")').length, 1)
    assert.equal(node12Problems('"a".replaceAll("a", "b")').length, 1)
    assert.equal(node12Problems('class A { x = 1 }').length, 1)
    assert.deepEqual(node12Problems("#!/usr/bin/env node\nimport(require('url').pathToFileURL('/x').href)"), [])
  })
})
