import {createRequire} from 'node:module'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const clientDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'base/runtime/limg-ric')
const load = createRequire(join(clientDir, 'main.js'))

export interface Features {
  callbackHandlers: 'refused' | 'warned' | 'accepted'
  esModulesFromNodePath: boolean
  initErrorLabel: string
  requestIdBeforeFirstInvoke: string | undefined
}

/** The runtime client's CommonJS modules, loaded as the image loads them. */
export const runtimeFeatures = load('./runtime-features.js') as {forNodeMajor(major: number): Features}
export const callbackHandlers = load('./callback-handlers.js') as {
  check(handler: (...args: unknown[]) => unknown, policy: Features['callbackHandlers'], env: NodeJS.ProcessEnv): void
  REMOVED: string
  WARNING: string
}
export const nodePathPackages = load('./node-path-packages.js') as {
  packageName(specifier: string): string | null
  entries(nodePath: string | undefined): string[]
  candidates(specifier: string, folders: string[]): Array<{parentURL: string; folders: string[]}>
}
