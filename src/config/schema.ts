import {ARCHITECTURE_IDS, RUNTIME_IDS, type Architecture, type RuntimeId, getArchitecture, getRuntime} from '../catalog/runtimes.js'
import {InvalidInputError} from '../errors/index.js'
import {validateHandler} from './handler.js'
import {HTTP_CONFIG_KEYS, type HttpSettings, validateHttpSettings} from './http-settings.js'
import {type LogSettings, validateLogSettings} from './log-settings.js'

export type Template = 'commonjs' | 'esm' | 'typescript'
export const BUILDERS = ['engine', 'direct'] as const
/** How `limg build` makes the image: through a Docker engine, or directly from a registry's base layers. */
export type Builder = (typeof BUILDERS)[number]
export const TEMPLATES: readonly Template[] = ['commonjs', 'esm', 'typescript']

export interface EcrSettings {
  repository: string
  scanOnPush: boolean
  imageTagMutability: 'IMMUTABLE' | 'MUTABLE'
  /** The lifecycle rule keeps this many newest images. */
  maxImages: number
}

/** limg.json, as validated: every field present. */
export interface ProjectConfig extends LogSettings {
  name: string
  runtime: RuntimeId
  arch: Architecture
  template: Template
  /** `<file>.<export>`, relative to the task root, as Lambda's CMD takes it. */
  handler: string
  /** MB, 128 to 10240 as Lambda allows. */
  memory: number
  /** Seconds, 1 to 900 as Lambda allows. */
  timeout: number
  environment: Record<string, string>
  ecr: EcrSettings
  baseImage?: string
  caCert?: string
  /** `engine` (the default) or `direct`. */
  builder?: Builder
  /** The project's own Dockerfile, when it is not ./Dockerfile; relative to the project. */
  dockerfile?: string
  /** Where a typescript function's build writes its JavaScript, when limg cannot read it from the project. */
  outDir?: string
  /** The function's execution role for `limg deploy`: an ARN, or a role name in the account. */
  role?: string
  /** The function's description in Lambda, up to 256 characters. */
  description?: string
  /** Tags `limg deploy` puts on the function. */
  tags?: Record<string, string>
  /** MB of /tmp, 512 to 10240 as Lambda allows (Lambda's default 512). */
  ephemeralStorage?: number
  /** How `limg run --http` shapes requests into events. */
  http?: HttpSettings
}

/**
 * Every key limg.json may hold, and every key of its "ecr" object. The compiler checks each
 * list against its interface (a key missing here, or here and not there, fails the build), so
 * a new setting is one more line here beside its line in the interface.
 */
const PROJECT_KEYS = {
  name: true,
  runtime: true,
  arch: true,
  template: true,
  handler: true,
  memory: true,
  timeout: true,
  environment: true,
  ecr: true,
  baseImage: true,
  caCert: true,
  builder: true,
  dockerfile: true,
  outDir: true,
  role: true,
  description: true,
  tags: true,
  ephemeralStorage: true,
  http: true,
  logFormat: true,
  logLevel: true,
  systemLogLevel: true,
} as const satisfies Record<keyof ProjectConfig, true>
const ECR_KEYS = {repository: true, scanOnPush: true, imageTagMutability: true, maxImages: true} as const satisfies Record<keyof EcrSettings, true>

export const PROJECT_CONFIG_KEYS = Object.keys(PROJECT_KEYS) as (keyof ProjectConfig)[]
export const ECR_CONFIG_KEYS = Object.keys(ECR_KEYS) as (keyof EcrSettings)[]

/**
 * Warnings for keys limg.json holds that limg does not know (a typo such as "memroy" would
 * otherwise leave the default in force without a word), naming the closest valid key.
 */
export function unknownKeyWarnings(raw: unknown, source: string): string[] {
  if (!isObject(raw)) return []
  const warnings = unknownKeys(raw, PROJECT_CONFIG_KEYS, '', source)
  if (isObject(raw.ecr)) warnings.push(...unknownKeys(raw.ecr, ECR_CONFIG_KEYS, 'ecr.', source))
  if (isObject(raw.http)) warnings.push(...unknownKeys(raw.http, HTTP_CONFIG_KEYS, 'http.', source))
  return warnings
}

function unknownKeys(raw: Record<string, unknown>, known: readonly string[], prefix: string, source: string): string[] {
  return Object.keys(raw)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const near = closest(key, known)
      const hint = near ? `did you mean "${prefix}${near}"?` : `limg.json takes ${known.map((k) => `"${prefix}${k}"`).join(', ')}.`
      return `${source}: unknown key "${prefix}${key}" is ignored; ${hint}`
    })
}

/** The valid key a typo most likely meant: same letters but case and separators, a prefix, or one or two edits away. */
export function closest(key: string, known: readonly string[]): string | undefined {
  const plain = (text: string): string => text.toLowerCase().replace(/[-_\s]/g, '')
  let best: {key: string; distance: number} | undefined
  for (const candidate of known) {
    if (plain(candidate) === plain(key)) return candidate
    if (plain(key).length >= 3 && plain(candidate).startsWith(plain(key))) return candidate
    const distance = editDistance(plain(key), plain(candidate))
    const allowed = Math.max(1, Math.min(2, Math.floor(candidate.length / 3)))
    if (distance <= allowed && (!best || distance < best.distance)) best = {key: candidate, distance}
  }
  return best?.key
}

/** Edits (insert, delete, replace, swap two neighbours) between two strings. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export const LIMITS = {
  memory: {min: 128, max: 10240},
  timeout: {min: 1, max: 900},
  maxImages: {min: 1, max: 1000},
  ephemeralStorage: {min: 512, max: 10240},
  description: {max: 256},
  tags: {max: 50, keyMax: 128, valueMax: 256},
} as const

const NAME_RULE = /^[A-Za-z0-9_-]{1,64}$/
const REPOSITORY_RULE = /^(?=.{2,256}$)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/

export function validateName(name: string): string {
  if (!NAME_RULE.test(name)) {
    throw new InvalidInputError(
      `Invalid function name "${name}": Lambda allows 1 to 64 characters of A-Z, a-z, 0-9, "-" and "_".`,
      'Choose a name like "my-function" with --name.',
    )
  }
  return name
}

export function validateRepository(repository: string): string {
  if (!REPOSITORY_RULE.test(repository)) {
    throw new InvalidInputError(
      `Invalid ECR repository name "${repository}": ECR wants 2 to 256 lower-case characters of a-z, 0-9, ".", "_", "-" in components separated by "/".`,
      'Use a name like "team/my-function".',
    )
  }
  return repository
}

export function validateBuilder(builder: string, source: string): Builder {
  if (!(BUILDERS as readonly string[]).includes(builder)) {
    throw new InvalidInputError(`${source}: unknown builder "${builder}".`, `Use one of: ${BUILDERS.join(', ')}.`)
  }
  return builder as Builder
}

export function validateTemplate(template: string): Template {
  if (!(TEMPLATES as readonly string[]).includes(template)) {
    throw new InvalidInputError(`Unknown template "${template}".`, `Use one of: ${TEMPLATES.join(', ')}.`)
  }
  return template as Template
}

/** Refuses combinations Lambda cannot run, naming the valid choices. */
export function validateCombination(runtimeId: RuntimeId, template: Template): void {
  const runtime = getRuntime(runtimeId)
  if (template === 'esm' && !runtime.esModules) {
    const valid = RUNTIME_IDS.filter((id) => getRuntime(id).esModules)
    throw new InvalidInputError(
      `The esm template needs ES module support, which ${runtime.id} lacks.`,
      `Use --template commonjs, or a runtime from: ${valid.join(', ')}.`,
    )
  }
}

export function validateInteger(field: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInputError(`Invalid ${field} "${String(value)}": expected a whole number from ${min} to ${max}.`)
  }
  return n
}

/** The ECR repository name derived from a function name (ECR wants lower case). */
export function repositoryFor(name: string): string {
  const candidate = name.toLowerCase().replace(/_/g, '-').replace(/^[-.]+|[-.]+$/g, '')
  return candidate.length >= 2 ? candidate : `${candidate}-fn`
}

/** Checks a parsed limg.json and fills in defaults; `source` names the file for messages. */
export function validateProjectConfig(raw: unknown, source: string): ProjectConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError(`${source} must hold a JSON object.`, 'Run `limg init --force` to write a fresh one.')
  }
  const r = raw as Record<string, unknown>
  const str = (key: string): string | undefined => {
    const v = r[key]
    if (v === undefined) return undefined
    if (typeof v !== 'string') throw new InvalidInputError(`${source}: "${key}" must be a string.`)
    return v
  }
  const name = validateName(str('name') ?? '')
  const runtime = getRuntime(str('runtime') ?? '').id
  const arch = getArchitecture(str('arch') ?? 'x86_64').id
  const template = validateTemplate(str('template') ?? 'commonjs')
  validateCombination(runtime, template)
  const handler = validateHandler(str('handler') ?? 'index.handler')
  const memory = validateInteger('memory', r.memory ?? 128, LIMITS.memory.min, LIMITS.memory.max)
  const timeout = validateInteger('timeout', r.timeout ?? 3, LIMITS.timeout.min, LIMITS.timeout.max)
  const environment = validateEnvironment(r.environment ?? {}, source)
  const ecr = validateEcr(r.ecr ?? {}, name, source)
  const baseImage = str('baseImage')
  const caCert = str('caCert')
  const builder = str('builder') === undefined ? undefined : validateBuilder(str('builder')!, source)
  const dockerfile = str('dockerfile')
  const outDir = str('outDir')
  const role = str('role')
  const description = str('description')
  if (description !== undefined && description.length > LIMITS.description.max) {
    throw new InvalidInputError(`${source}: "description" has ${description.length} characters; Lambda allows ${LIMITS.description.max}.`)
  }
  const tags = r.tags === undefined ? undefined : validateTags(r.tags, source)
  const ephemeralStorage =
    r.ephemeralStorage === undefined ? undefined : validateInteger('ephemeralStorage', r.ephemeralStorage, LIMITS.ephemeralStorage.min, LIMITS.ephemeralStorage.max)
  const http = r.http === undefined ? undefined : validateHttpSettings(r.http, source)
  return {
    name,
    runtime,
    arch,
    template,
    handler,
    memory,
    timeout,
    environment,
    ecr,
    ...(baseImage ? {baseImage} : {}),
    ...(caCert ? {caCert} : {}),
    ...(builder ? {builder} : {}),
    ...(dockerfile ? {dockerfile} : {}),
    ...(outDir ? {outDir} : {}),
    ...(role ? {role} : {}),
    ...(description !== undefined ? {description} : {}),
    ...(tags ? {tags} : {}),
    ...(ephemeralStorage !== undefined ? {ephemeralStorage} : {}),
    ...(http ? {http} : {}),
    ...validateLogSettings(r, source),
  }
}

/** Lambda's rules for a function's tags: up to 50, keys of 1 to 128 characters not starting with "aws:", values up to 256. */
function validateTags(raw: unknown, source: string): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidInputError(`${source}: "tags" must be an object of string values.`)
  const entries = Object.entries(raw)
  if (entries.length > LIMITS.tags.max) throw new InvalidInputError(`${source}: "tags" has ${entries.length} tags; Lambda allows ${LIMITS.tags.max}.`)
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > LIMITS.tags.keyMax || key.toLowerCase().startsWith('aws:')) {
      throw new InvalidInputError(`${source}: tag key "${key}" must be 1 to ${LIMITS.tags.keyMax} characters and not start with "aws:".`)
    }
    if (typeof value !== 'string' || value.length > LIMITS.tags.valueMax) {
      throw new InvalidInputError(`${source}: tag "${key}" must have a string value of up to ${LIMITS.tags.valueMax} characters.`)
    }
  }
  return Object.fromEntries(entries) as Record<string, string>
}

function validateEnvironment(raw: unknown, source: string): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError(`${source}: "environment" must be an object of string values.`)
  }
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new InvalidInputError(`${source}: invalid environment variable name "${key}".`)
    if (typeof value !== 'string') throw new InvalidInputError(`${source}: environment variable "${key}" must be a string.`)
    out[key] = value
  }
  return out
}

function validateEcr(raw: unknown, name: string, source: string): EcrSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError(`${source}: "ecr" must be an object.`)
  }
  const r = raw as Record<string, unknown>
  const repository = validateRepository(typeof r.repository === 'string' ? r.repository : repositoryFor(name))
  const mutability = r.imageTagMutability ?? 'IMMUTABLE'
  if (mutability !== 'IMMUTABLE' && mutability !== 'MUTABLE') {
    throw new InvalidInputError(`${source}: "ecr.imageTagMutability" must be IMMUTABLE or MUTABLE.`)
  }
  if (r.scanOnPush !== undefined && typeof r.scanOnPush !== 'boolean') {
    throw new InvalidInputError(`${source}: "ecr.scanOnPush" must be true or false.`)
  }
  return {
    repository,
    scanOnPush: r.scanOnPush ?? true,
    imageTagMutability: mutability,
    maxImages: validateInteger('ecr.maxImages', r.maxImages ?? 10, LIMITS.maxImages.min, LIMITS.maxImages.max),
  }
}

export {ARCHITECTURE_IDS, RUNTIME_IDS}
