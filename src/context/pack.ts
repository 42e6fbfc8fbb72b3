import {lstatSync, readFileSync} from 'node:fs'
import {relative, sep} from 'node:path'
import type {Readable} from 'node:stream'
import {pack as tarPack, type Pack, type PackOptions} from 'tar-fs'
import {type SecretReport, SecretFilter} from './deny-list.js'
import {DockerignoreMatcher, parseDockerignore} from './dockerignore.js'

/** A file limg adds to the context without writing it into the project. */
export interface InjectedFile {
  /** Slash-separated path inside the context. */
  path: string
  content: string | Buffer
}

export interface PackContextOptions {
  /** Files added to the stream after the project's own; a project file at the same path is left out. */
  inject?: InjectedFile[]
  /**
   * Paths inside the context the engine must be told to drop after reading them (the
   * injected Dockerfile): they are appended to the `.dockerignore` the engine sees, which
   * the engine applies only to the Dockerfile and `.dockerignore` themselves.
   */
  engineDrops?: string[]
  /** Context paths (`index.js`, `src/app.mjs`) to report in `packed` when the stream carries them as files. */
  watch?: string[]
}

export interface PackedContext {
  stream: Readable
  /** Counts known once the stream has ended. */
  stats: {files: number; bytes: number}
  /** Secrets the deny list kept out, filled as the stream is read. */
  secrets: SecretReport
  /** Which of the watched paths the stream carried as files, known once it has ended. */
  packed: Set<string>
}

export const DOCKERIGNORE = '.dockerignore'

// Fixed metadata for injected entries keeps their layer cache stable from one build to the next.
const INJECTED_MTIME = new Date(0)

/**
 * Streams the build context as a tar, the way `docker build` sends it: `.dockerignore`
 * with Docker's own rules, ignored directories skipped without being read (a large
 * node_modules costs one check), symbolic links sent as links and never followed (so
 * nothing outside the context leaves the machine), owners zeroed like the Docker CLI does.
 * Secrets (src/context/deny-list.ts) stay out whatever `.dockerignore` says, unless one of
 * its `!` lines names them. Injected files (a rendered Dockerfile, a CA certificate, the
 * install's registry settings) are appended to the stream only.
 */
export function packContext(contextDir: string, options: PackContextOptions = {}): PackedContext {
  const ignoreText = readIgnoreFile(contextDir)
  const injected = new Map((options.inject ?? []).map((f) => [f.path, f.content]))
  const drops = options.engineDrops ?? []
  if (drops.length > 0) injected.set(DOCKERIGNORE, engineIgnoreText(ignoreText, drops, [...injected.keys()].filter((path) => !drops.includes(path))))
  const stats = {files: 0, bytes: 0}
  const watched = new Set(options.watch ?? [])
  const packed = new Set<string>()
  const {ignore, secrets} = contextFilter(contextDir, new Set(injected.keys()), ignoreText)

  const packOptions: PackOptions & {sort: boolean; umask: number} = {
    ignore,
    dereference: false,
    sort: true,
    // Modes as they are on disk, as the Docker CLI sends them; umask is for extraction.
    umask: 0,
    map: (header) => {
      if (header.type === 'file') {
        stats.files += 1
        stats.bytes += header.size ?? 0
        if (watched.has(header.name)) packed.add(header.name)
      }
      return {...header, uid: 0, gid: 0, uname: '', gname: ''}
    },
    finalize: false,
    finish: (pack: Pack) => {
      appendInjected(pack, [...injected.entries()], stats)
    },
  }
  // tar-stream's Pack is a streamx Readable, which Node's pipe takes as a stream.
  return {stream: tarPack(contextDir, packOptions) as unknown as Readable, stats, secrets: secrets.report, packed}
}

/** What `.dockerignore` and the secret deny list leave out of a context, and the secrets they kept out. */
export interface ContextFilter {
  /**
   * True for a path (absolute) that stays out. A directory that is ignored is true (and is
   * not to be walked) unless an exception names something inside it; then it is false and
   * only its files are judged.
   */
  ignore(absolute: string): boolean
  secrets: SecretFilter
}

/**
 * The one judgement of what reaches an image from the project folder, for the engine's
 * streamed context and the direct builder's code layer alike: `.dockerignore` with
 * Docker's rules, then the secret deny list; `skip` paths (limg's own additions) are out.
 */
export function contextFilter(contextDir: string, skip: ReadonlySet<string> = new Set(), ignoreText: string | undefined = readIgnoreFile(contextDir)): ContextFilter {
  const matcher = DockerignoreMatcher.fromText(ignoreText ?? '')
  const secrets = new SecretFilter(matcher)
  const ignore = (absolute: string): boolean => {
    const rel = relative(contextDir, absolute).split(sep).join('/')
    if (skip.has(rel)) return true
    if (!matcher.matches(rel)) return secrets.keepsOut(rel, absolute)
    // An excluded directory is walked only when an exception names something inside it.
    if (!matcher.mayIncludeUnder(rel)) return true
    return !lstatSync(absolute).isDirectory()
  }
  return {ignore, secrets}
}

function appendInjected(pack: Pack, files: Array<[string, string | Buffer]>, stats: {files: number; bytes: number}): void {
  const next = (i: number): void => {
    if (i >= files.length) {
      pack.finalize()
      return
    }
    const [name, content] = files[i]
    const body = typeof content === 'string' ? Buffer.from(content) : content
    stats.files += 1
    stats.bytes += body.length
    pack.entry({name, size: body.length, mode: 0o644, mtime: INJECTED_MTIME, uid: 0, gid: 0, type: 'file'}, body, (error) => {
      if (error) pack.destroy(error)
      else next(i + 1)
    })
  }
  next(0)
}

/**
 * The `.dockerignore` the engine receives: the project's patterns (so the engine drops the
 * project's own Dockerfile when it is ignored, as with `docker build`) plus the injected
 * paths, so they never reach a `COPY . .`. This file is limg's, not the project's, so it
 * drops itself too: a function image has no use for a `.dockerignore`. What limg adds for the
 * build's own steps (the CA, the install's registry settings) is put back after the
 * project's patterns: Podman's builder applies the whole file to COPY sources, where a
 * project's `*.pem` or `.npmrc` line would otherwise hide them (Docker's applies it only to
 * the Dockerfile and the file itself, and limg has applied it to the rest already).
 */
function engineIgnoreText(projectText: string | undefined, drops: string[], keeps: string[]): string {
  const kept = keeps.flatMap((path) => [`!/${path}`, `!/${path}/**`])
  return `${[projectText ?? '', ...kept, `/${DOCKERIGNORE}`, ...drops.map((path) => `/${path}`)].join('\n')}\n`
}

function readIgnoreFile(contextDir: string): string | undefined {
  try {
    return readFileSync(`${contextDir}/${DOCKERIGNORE}`, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

export {parseDockerignore}
