import {type Architecture, DEFAULT_ARCHITECTURE, getArchitecture} from '../catalog/runtimes.js'
import {LIMITS, type ProjectConfig, validateBuilder, validateInteger} from './schema.js'

/** Flags that may override limg.json; undefined means "not given". */
export interface ConfigOverrides {
  arch?: string
  baseImage?: string
  caCert?: string
  builder?: string
  memory?: number
  timeout?: number
}

/**
 * Settings, lowest to highest: limg.json (already defaulted), LIMG_* environment
 * variables, then flags.
 */
export function resolveConfig(project: ProjectConfig, flags: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): ProjectConfig {
  const arch = resolveArch(flags.arch, env, project.arch)
  const baseImage = flags.baseImage ?? nonEmpty(env.LIMG_BASE_IMAGE) ?? project.baseImage
  const caCert = flags.caCert ?? nonEmpty(env.LIMG_CA_CERT) ?? project.caCert
  const builderFrom = flags.builder !== undefined ? '--builder' : nonEmpty(env.LIMG_BUILDER) !== undefined ? 'LIMG_BUILDER' : 'limg.json'
  const builderValue = flags.builder ?? nonEmpty(env.LIMG_BUILDER) ?? project.builder
  const builder = builderValue === undefined ? undefined : validateBuilder(builderValue, builderFrom)
  const memory = validateInteger('memory', flags.memory ?? env.LIMG_MEMORY ?? project.memory, LIMITS.memory.min, LIMITS.memory.max)
  const timeout = validateInteger('timeout', flags.timeout ?? env.LIMG_TIMEOUT ?? project.timeout, LIMITS.timeout.min, LIMITS.timeout.max)
  return {
    ...project,
    arch,
    memory,
    timeout,
    ...(baseImage ? {baseImage} : {}),
    ...(caCert ? {caCert} : {}),
    ...(builder ? {builder} : {}),
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined
}

/** The architecture, lowest to highest: limg.json's (or the default without one), LIMG_ARCH, the flag. */
export function resolveArch(flag: string | undefined, env: NodeJS.ProcessEnv, project: Architecture = DEFAULT_ARCHITECTURE): Architecture {
  return getArchitecture(flag ?? nonEmpty(env.LIMG_ARCH) ?? project).id
}
