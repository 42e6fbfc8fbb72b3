import {closeSync, lstatSync, openSync, readSync} from 'node:fs'
import {DockerignoreMatcher} from './dockerignore.js'

/**
 * Files and folders that hold credentials and never belong in a function image, at any
 * depth, whatever the project's `.dockerignore` says: environment files, package registry
 * and other tool credentials, cloud and SSH key folders, private keys and version control.
 * A project that truly needs one in the image names it with a `!` line in `.dockerignore`.
 */
const SECRET_PATTERNS = [
  '**/.env',
  '**/.env.*',
  '**/.npmrc',
  '**/.yarnrc',
  '**/.yarnrc.yml',
  '**/.netrc',
  '**/.pypirc',
  '**/.git-credentials',
  '**/.pgpass',
  '**/.aws',
  '**/.ssh',
  '**/.gnupg',
  '**/.docker',
  '**/.kube',
  '**/.azure',
  '**/*.key',
  '**/*.p12',
  '**/*.pfx',
  '**/*.ppk',
  '**/*.jks',
  '**/*.keystore',
  '**/id_rsa*',
  '**/id_dsa*',
  '**/id_ecdsa*',
  '**/id_ed25519*',
  '**/*.tfstate',
  '**/*.tfstate.*',
  '**/.git',
  '**/.hg',
  '**/.svn',
]

/** Templates that document variables without values; they are meant to ship with the code. */
const ENV_EXAMPLES = /(^|\/)\.env\.(example|sample|template)$/

/** A PEM file is a secret only when it holds a key: certificate bundles (RDS's, a CA) are code's data. */
const PEM = /\.pem$/i
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/
const PEM_SNIFF_BYTES = 64 * 1024

const matcher = new DockerignoreMatcher(SECRET_PATTERNS)

/** Whether a context path (slash-separated, relative to the root) is a secret limg keeps out. */
export function isSecretPath(relPath: string, absolutePath?: string): boolean {
  if (ENV_EXAMPLES.test(relPath)) return false
  if (matcher.matches(relPath)) return true
  if (PEM.test(relPath) && absolutePath !== undefined) return holdsPrivateKey(absolutePath)
  return false
}

/**
 * What the deny list kept out of one context, and what the project's `.dockerignore`
 * re-included on purpose, for the build to report.
 */
export interface SecretReport {
  /** Paths kept out; folders end in `/`. */
  keptOut: string[]
  /** Secrets the project's `.dockerignore` names with `!`, sent as it asks. */
  reincluded: string[]
}

/**
 * Applies the deny list to paths the project's own `.dockerignore` lets through, unless
 * one of its `!` lines names the path itself (or a folder it sits in).
 */
export class SecretFilter {
  readonly report: SecretReport = {keptOut: [], reincluded: []}

  constructor(private readonly project: DockerignoreMatcher) {}

  /** True when `relPath` must stay out of the context. */
  keepsOut(relPath: string, absolutePath: string): boolean {
    if (!isSecretPath(relPath, absolutePath)) return false
    if (this.project.explicitlyIncludes(relPath)) {
      this.report.reincluded.push(relPath)
      return false
    }
    const stat = lstatSync(absolutePath, {throwIfNoEntry: false})
    this.report.keptOut.push(stat?.isDirectory() ? `${relPath}/` : relPath)
    return true
  }
}

function holdsPrivateKey(file: string): boolean {
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const buffer = Buffer.alloc(PEM_SNIFF_BYTES)
    const read = readSync(fd, buffer, 0, buffer.length, 0)
    return PRIVATE_KEY.test(buffer.subarray(0, read).toString('latin1'))
  } catch {
    // Unreadable: the tar stream reports it; a folder named *.pem is not a key.
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Secret names for messages, folders last; a long list is cut with a count. */
export function describeKeptOut(paths: readonly string[], max = 8): string {
  const sorted = [...paths].sort((a, b) => Number(a.endsWith('/')) - Number(b.endsWith('/')) || a.localeCompare(b))
  const shown = sorted.slice(0, max).join(', ')
  return sorted.length > max ? `${shown} and ${sorted.length - max} more` : shown
}
