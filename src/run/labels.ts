import {createHash} from 'node:crypto'
import {resolve} from 'node:path'
import {InvalidInputError} from '../errors/index.js'

/** Labels limg puts on the containers it starts; `stop`, `invoke` and `logs` find them by these. */
export const LABEL = {
  limg: 'limg',
  project: 'limg.project',
  projectDir: 'limg.project.dir',
  endpoint: 'limg.endpoint',
  image: 'limg.image',
  role: 'limg.role',
  /** Which of the `--concurrency` instances a container is, from 1. */
  instance: 'limg.instance',
} as const

/** A stable id for a project directory: the same folder always maps to the same containers. */
export function projectId(dir: string): string {
  return createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16)
}

export function projectLabels(dir: string): Record<string, string> {
  return {[LABEL.limg]: 'true', [LABEL.project]: projectId(dir)}
}

/**
 * Extra labels from LIMG_LABELS (`k=v,k2=v2`): how CI and test suites tag everything limg
 * creates so they can sweep it afterwards.
 */
export function extraLabels(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = env.LIMG_LABELS?.trim()
  if (!raw) return {}
  const labels: Record<string, string> = {}
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=')
    const key = (eq < 0 ? part : part.slice(0, eq)).trim()
    if (!key) throw new InvalidInputError(`LIMG_LABELS="${raw}" has an empty label name.`, 'Write it as key=value,key2=value2.')
    if (key === LABEL.limg || key.startsWith('limg.project')) {
      throw new InvalidInputError(`LIMG_LABELS may not set "${key}", which limg sets itself.`, 'Remove it from LIMG_LABELS.')
    }
    labels[key] = eq < 0 ? '' : part.slice(eq + 1).trim()
  }
  return labels
}
