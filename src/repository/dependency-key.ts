import {createHash} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import type {ProjectConfig} from '../config/schema.js'

/** What limg's Dockerfile copies into its dependency install, and what that install reads. */
const INSTALL_INPUTS = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', '.npmrc', '.yarnrc', '.yarnrc.yml']

/**
 * A key equal for two functions whose dependency layer the engine builds the same way: the
 * same runtime, architecture, base image and install inputs, byte for byte. The engine's
 * cache then shares the layer between them, once one of them has built it. Undefined for a
 * function with its own Dockerfile, whose steps limg does not know.
 */
export async function dependencyKey(dir: string, config: ProjectConfig): Promise<string | undefined> {
  if (config.dockerfile !== undefined || (await stat(join(dir, 'Dockerfile')).catch(() => undefined))?.isFile()) return undefined
  const hash = createHash('sha256')
  hash.update(JSON.stringify([config.runtime, config.arch, config.baseImage ?? '', config.template, config.builder ?? 'engine', config.caCert ?? '']))
  for (const file of INSTALL_INPUTS) {
    const bytes = await readFile(join(dir, file)).catch(() => undefined)
    hash.update(`\0${file}\0${bytes === undefined ? '-' : createHash('sha256').update(bytes).digest('hex')}`)
  }
  return hash.digest('hex')
}
