import {appendFile, cp, mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {execa} from 'execa'
import {withLabels} from '../../src/build/build.js'
import {getArchitecture, getRuntime} from '../../src/catalog/runtimes.js'
import {loadProjectConfig} from '../../src/config/load.js'
import {resolveConfig} from '../../src/config/resolve.js'
import {resolveDockerfile} from '../../src/dockerfile/index.js'
import {CA_BUNDLE, RUNTIME, type BenchSession} from './session.js'

/** Where limg puts the certificate authority inside the context it sends (src/build/build.ts). */
export const CONTEXT_CA_PATH = '.limg-build-ca.pem'

/** A function project as `limg init` writes it (ES module template). */
export async function initProject(session: BenchSession, dir: string, name: string): Promise<void> {
  await session.limg(['init', dir, '--yes', '--json', '--name', name, '--runtime', RUNTIME, '--template', 'esm'], join(dir, '..'))
}

/** The one-line handler change: the greeting the handler returns. */
export async function setGreeting(dir: string, greeting: string): Promise<void> {
  const file = join(dir, 'index.mjs')
  const text = await readFile(file, 'utf8')
  const changed = text.replace(/greeting: '[^']*'/, `greeting: '${greeting}'`)
  if (changed === text && !text.includes(`greeting: '${greeting}'`)) throw new Error(`${file} has no greeting line to change`)
  await writeFile(file, changed)
}

/** Pure-JavaScript dependencies of a typical small function, pinned; the lock file is made on the host. */
export const DEPENDENCIES = {dayjs: '1.11.13', lodash: '4.17.21', ms: '2.1.3', uuid: '9.0.1'}

export async function addDependencies(dir: string): Promise<void> {
  const file = join(dir, 'package.json')
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  manifest.dependencies = DEPENDENCIES
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`)
  await execa('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund', '--ignore-scripts'], {cwd: dir})
}

/**
 * A copy of the project for the docker CLI: the same files plus the certificate authority at
 * the context path limg injects it under, so `docker build` of this folder sends what limg sends.
 */
export async function dockerTwin(source: string, dest: string): Promise<void> {
  await cp(source, dest, {recursive: true})
  await cp(CA_BUNDLE, join(dest, CONTEXT_CA_PATH))
  // The .dockerignore limg init writes keeps *.pem out at any depth; limg adds its CA after
  // the rules, so the twin lets that one file through.
  await appendFile(join(dest, '.dockerignore'), `\n!${CONTEXT_CA_PATH}\n`)
}

export interface LimgDockerfile {
  /** Exactly the text limg build sends (template with CA lines, then its LABEL line). */
  text: string
  baseImage: string
  platform: string
}

/**
 * The Dockerfile limg build sends for a project, rendered by limg's own code with the same
 * inputs, and checked against `limg dockerfile` (which prints it without the CA lines) so
 * the bench cannot drift from what the CLI renders. `extraLabels` go into the same LABEL
 * instruction, so they add no build step.
 */
export async function limgDockerfile(session: BenchSession, dir: string, arch: string, baseImage: string, extraLabels: Record<string, string> = {}): Promise<LimgDockerfile> {
  const config = resolveConfig(await loadProjectConfig(dir), {arch, baseImage, caCert: CA_BUNDLE}, {})
  const plain = await resolveDockerfile(dir, config)
  const printed = JSON.parse((await session.limg(['dockerfile', '--json', '--arch', arch, '--base-image', baseImage], dir)).stdout) as {dockerfile: string}
  if (printed.dockerfile !== plain.text) throw new Error('limg dockerfile prints a different Dockerfile from the one the bench renders')
  const withCa = await resolveDockerfile(dir, config, {caCertContextPath: CONTEXT_CA_PATH})
  const runtime = getRuntime(config.runtime)
  const architecture = getArchitecture(config.arch)
  const labels = {...extraLabels, limg: 'true', 'limg.project': config.name, 'limg.runtime': runtime.id, 'limg.arch': architecture.id}
  return {text: withLabels(withCa.text, labels), baseImage, platform: architecture.platform}
}

/**
 * `count` small files in node_modules, spread over packages the way npm lays them out
 * (package.json, lib/*.js, README), the kind of tree .dockerignore keeps out of a build.
 */
export async function generateNodeModules(dir: string, count: number): Promise<{files: number; bytes: number}> {
  const perPackage = 20
  let files = 0
  let bytes = 0
  for (let p = 0; files < count; p++) {
    const pkg = join(dir, 'node_modules', `bench-pkg-${p}`)
    await mkdir(join(pkg, 'lib'), {recursive: true})
    const writes: Promise<void>[] = []
    for (let f = 0; f < perPackage && files < count; f++, files++) {
      const name = f === 0 ? 'package.json' : f === 1 ? 'README.md' : join('lib', `module-${f}.js`)
      const body = f === 0 ? JSON.stringify({name: `bench-pkg-${p}`, version: '1.0.0', main: 'lib/module-2.js'}) : `// bench-pkg-${p} ${name}\n${'module.exports = function () { return 42 }\n'.repeat(1 + ((p + f) % 12))}`
      bytes += Buffer.byteLength(body)
      writes.push(writeFile(join(pkg, name), body))
    }
    await Promise.all(writes)
  }
  return {files, bytes}
}
