import {createHash} from 'node:crypto'
import {mkdir, readFile, readdir, rm, symlink, writeFile} from 'node:fs/promises'
import {join, posix, relative} from 'node:path'
import type {ArchitectureInfo} from '../catalog/runtimes.js'
import {BuildFailedError} from '../errors/index.js'
import type {DownloadCache} from './cache.js'
import layout from './system-layout.json' with {type: 'json'}
import {runTool} from './tools.js'

export const SYSTEM_LAYOUT = layout

/** Cache key of the assembled system folder: the architecture and a hash of the layout it follows. */
export function systemCacheKey(arch: ArchitectureInfo): string {
  const hash = createHash('sha256').update(JSON.stringify(layout)).digest('hex').slice(0, 12)
  return `system/debian-${arch.debianArch}-${hash}`
}

/**
 * apt-get options that fetch packages for `debianArch` whatever the host's architecture, with
 * package lists, archives and the dpkg status in limg's own folder: the host's apt state is
 * neither read nor changed.
 */
export function aptOptions(debianArch: string, stateDir: string, isRoot: boolean = process.getuid?.() === 0): string[] {
  return [
    '-q',
    `-oAPT::Architecture=${debianArch}`,
    `-oAPT::Architectures=${debianArch}`,
    `-oDir::State::Lists=${join(stateDir, 'lists')}`,
    `-oDir::Cache=${join(stateDir, 'cache')}`,
    `-oDir::State::status=${join(stateDir, 'status')}`,
    // As root, apt drops to the _apt user, who cannot write into limg's private temp folders.
    ...(isRoot ? ['-oAPT::Sandbox::User=root'] : []),
  ]
}

/**
 * The operating-system files of the image for one architecture, from Debian's packages: shared
 * libraries for node, busybox with its applet links, the CA bundle where Amazon Linux keeps it,
 * and /etc/localtime = UTC. Cached per architecture; returns the root folder.
 */
export async function fetchSystem(cache: DownloadCache, arch: ArchitectureInfo, signal?: AbortSignal): Promise<{path: string; cached: boolean}> {
  const {dir, cached} = await cache.ensure(
    systemCacheKey(arch),
    async (temp) => {
      const debs = join(temp, 'debs')
      const root = join(temp, 'root')
      await mkdir(debs, {recursive: true})
      await mkdir(root, {recursive: true})
      await downloadDebs(cache, arch.debianArch, debs, signal)
      for (const deb of (await readdir(debs)).filter((name) => name.endsWith('.deb')).sort()) {
        await runTool('dpkg', ['-x', join(debs, deb), root], {what: `unpack ${deb}`, signal})
      }
      await rm(debs, {recursive: true, force: true})
      await writeCaBundle(root)
      await dropUnneeded(root)
      await linkBusybox(root)
      await mkdir(join(root, 'etc'), {recursive: true})
      await symlink(layout.localtime, join(root, 'etc', 'localtime'))
    },
    signal,
  )
  return {path: join(dir, 'root'), cached}
}

async function downloadDebs(cache: DownloadCache, debianArch: string, into: string, signal?: AbortSignal): Promise<void> {
  const stateDir = join(cache.root, 'apt', debianArch)
  await cache.withLock(
    `apt-${debianArch}`,
    async () => {
      await mkdir(join(stateDir, 'lists', 'partial'), {recursive: true})
      await mkdir(join(stateDir, 'cache', 'archives', 'partial'), {recursive: true})
      await writeFile(join(stateDir, 'status'), '')
      const options = aptOptions(debianArch, stateDir)
      await runTool('apt-get', [...options, 'update'], {what: `read Debian's package lists for ${debianArch}`, signal})
      await runTool('apt-get', [...options, 'download', ...layout.debianPackages], {
        cwd: into,
        what: `download ${layout.debianPackages.join(', ')} for ${debianArch}`,
        signal,
      })
    },
    signal,
  )
}

async function writeCaBundle(root: string): Promise<void> {
  const mozilla = join(root, 'usr', 'share', 'ca-certificates', 'mozilla')
  const names = (await readdir(mozilla).catch(() => [] as string[])).filter((name) => name.endsWith('.crt')).sort()
  if (names.length === 0) throw new BuildFailedError('The ca-certificates package held no certificates.', 'Check the Debian mirror apt uses, then run the command again.')
  // The same byte-order concatenation update-ca-certificates writes.
  const pems = await Promise.all(names.map(async (name) => (await readFile(join(mozilla, name), 'utf8')).trimEnd() + '\n'))
  const bundle = join(root, layout.caBundle)
  await mkdir(posix.dirname(bundle), {recursive: true})
  await writeFile(bundle, pems.join(''), {mode: 0o644})
  for (const link of layout.caBundleLinks) {
    const path = join(root, link)
    await mkdir(posix.dirname(path), {recursive: true})
    await rm(path, {force: true})
    await symlink(`/${layout.caBundle}`, path)
  }
}

async function dropUnneeded(root: string): Promise<void> {
  for (const pattern of layout.drop) {
    for (const path of await expand(root, pattern.split('/'))) await rm(path, {recursive: true, force: true})
  }
}

/** Expands a path whose segments may be `*` against what exists under `base`. */
async function expand(base: string, segments: string[]): Promise<string[]> {
  if (segments.length === 0) return [base]
  const [head, ...rest] = segments
  const names = head === '*' ? await readdir(base).catch(() => [] as string[]) : [head]
  const found = await Promise.all(names.map((name) => expand(join(base, name), rest)))
  return found.flat()
}

async function linkBusybox(root: string): Promise<void> {
  const busybox = join(root, layout.busybox.path)
  for (const [folder, applets] of Object.entries(layout.busybox.links)) {
    const dir = join(root, folder)
    await mkdir(dir, {recursive: true})
    const target = relative(dir, busybox)
    for (const applet of applets) {
      await rm(join(dir, applet), {force: true})
      await symlink(target, join(dir, applet))
    }
  }
}
