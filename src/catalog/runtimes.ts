import data from './runtimes.json' with {type: 'json'}
import {InvalidInputError} from '../errors/index.js'

export type RuntimeId = 'nodejs12.x' | 'nodejs14.x' | 'nodejs16.x' | 'nodejs18.x' | 'nodejs20.x' | 'nodejs22.x' | 'nodejs24.x'
export type Architecture = 'x86_64' | 'arm64'

export interface Deprecation {
  /** The day AWS stops patching the runtime (YYYY-MM-DD). */
  date: string
  blockCreate: string | null
  blockUpdate: string | null
  /** AWS's announced plan rather than a date that has passed. */
  unconfirmed: boolean
}

export interface Runtime {
  id: RuntimeId
  major: number
  os: string
  npmMajor: number
  /** argv of the production dependency install this runtime's bundled npm understands. */
  productionInstall: string[]
  esModules: boolean
  topLevelAwait: boolean
  /** False where AWS removed callback-style handlers and context.succeed/fail/done. */
  callbackHandlers: boolean
  deprecation: Deprecation
  /** The AWS SDK the runtime bundles in /var/runtime/node_modules: these packages, all at one version. */
  bundledSdk: {packages: string[]; version: string}
  /** What `limg base build` puts in the offline base image. */
  offline: {node: string; npm: string; architectures: Architecture[]}
}

export interface ArchitectureInfo {
  id: Architecture
  /** Docker platform string, as the engine API takes it. */
  platform: string
  /** The image config's `Architecture` value. */
  dockerArch: string
  npmNodePackage: string
  debianArch: string
}

export const RUNTIMES: readonly Runtime[] = data.runtimes as Runtime[]
export const ARCHITECTURES: readonly ArchitectureInfo[] = data.architectures as ArchitectureInfo[]
export const RUNTIME_IDS: readonly RuntimeId[] = RUNTIMES.map((r) => r.id)
export const ARCHITECTURE_IDS: readonly Architecture[] = ARCHITECTURES.map((a) => a.id)
export const DEFAULT_ARCHITECTURE: Architecture = 'x86_64'

export function getRuntime(id: string): Runtime {
  const runtime = RUNTIMES.find((r) => r.id === id)
  if (!runtime) {
    throw new InvalidInputError(`Unknown runtime "${id}".`, `Use one of: ${RUNTIME_IDS.join(', ')}.`)
  }
  return runtime
}

export function getArchitecture(id: string): ArchitectureInfo {
  const arch = ARCHITECTURES.find((a) => a.id === id)
  if (!arch) {
    const hint = id === 'amd64' || id === 'x64' ? ' (Lambda calls it x86_64)' : id === 'aarch64' ? ' (Lambda calls it arm64)' : ''
    throw new InvalidInputError(`Unknown architecture "${id}"${hint}.`, `Use one of: ${ARCHITECTURE_IDS.join(', ')}.`)
  }
  return arch
}

/** Maps an image config's `Architecture` (amd64, arm64) back to Lambda's name. */
export function architectureFromDocker(dockerArch: string): Architecture | undefined {
  return ARCHITECTURES.find((a) => a.dockerArch === dockerArch)?.id
}

function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10)
}

export function isDeprecated(runtime: Runtime, now: Date = new Date()): boolean {
  return runtime.deprecation.date <= isoDay(now)
}

/** The newest runtime AWS still patches on the given day; the newest of all if every one is past. */
export function defaultRuntime(now: Date = new Date()): Runtime {
  const supported = RUNTIMES.filter((r) => !isDeprecated(r, now))
  const pool = supported.length > 0 ? supported : RUNTIMES
  return pool.reduce((a, b) => (b.major > a.major ? b : a))
}

/** A warning naming the deprecation dates, or undefined for a supported runtime. */
export function deprecationWarning(runtime: Runtime, now: Date = new Date()): string | undefined {
  if (!isDeprecated(runtime, now)) return undefined
  const d = runtime.deprecation
  const blocks: string[] = []
  if (d.blockCreate) blocks.push(`creating functions is blocked from ${d.blockCreate}`)
  if (d.blockUpdate) blocks.push(`updating them from ${d.blockUpdate}`)
  const blockText = blocks.length > 0 ? `; ${blocks.join(' and ')}` : ''
  return (
    `${runtime.id} is deprecated: AWS stopped patching it on ${d.date}${blockText}. ` +
    `It still builds; move to ${defaultRuntime(now).id}.`
  )
}

/** `public.ecr.aws/lambda/nodejs:<major>-<arch>`: AWS's base image for a runtime and architecture. */
export function awsBaseImage(runtime: Runtime, arch: Architecture): string {
  return data.baseImage.replace('{major}', String(runtime.major)).replace('{arch}', arch)
}

/** `limg-offline/nodejs:<major>-<arch>`: the image `limg base build` makes. */
export function offlineBaseImage(runtime: Runtime, arch: Architecture): string {
  return data.offlineBaseImage.replace('{major}', String(runtime.major)).replace('{arch}', arch)
}
