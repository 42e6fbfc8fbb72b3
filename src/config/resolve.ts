import {type Architecture, getArchitecture} from '../catalog/runtimes.js'
import {LIMITS, type ProjectConfig, validateInteger} from './schema.js'

/** Flags that may override limg.json; undefined means "not given". */
export interface ConfigOverrides {
  arch?: string
  baseImage?: string
  caCert?: string
  memory?: number
  timeout?: number
}

/**
 * Settings, lowest to highest: limg.json (already defaulted), LIMG_* environment
 * variables, then flags.
 */
export function resolveConfig(project: ProjectConfig, flags: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): ProjectConfig {
  const arch: Architecture = getArchitecture(flags.arch ?? env.LIMG_ARCH ?? project.arch).id
  const baseImage = flags.baseImage ?? nonEmpty(env.LIMG_BASE_IMAGE) ?? project.baseImage
  const caCert = flags.caCert ?? nonEmpty(env.LIMG_CA_CERT) ?? project.caCert
  const memory = validateInteger('memory', flags.memory ?? env.LIMG_MEMORY ?? project.memory, LIMITS.memory.min, LIMITS.memory.max)
  const timeout = validateInteger('timeout', flags.timeout ?? env.LIMG_TIMEOUT ?? project.timeout, LIMITS.timeout.min, LIMITS.timeout.max)
  return {
    ...project,
    arch,
    memory,
    timeout,
    ...(baseImage ? {baseImage} : {}),
    ...(caCert ? {caCert} : {}),
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined
}
