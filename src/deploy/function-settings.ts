import type {ProjectConfig} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import type {FunctionSettings} from '../lambda/lambda-api.js'

/**
 * Variables Lambda sets itself and refuses in a function's configuration ("the environment
 * variables you have provided contains reserved keys"), checked before anything is sent.
 */
export const RESERVED_ENVIRONMENT = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
] as const

/** Lambda's limit on a function's variables: 4 KB for all keys and values together. */
export const ENVIRONMENT_LIMIT_BYTES = 4096
export const DEFAULT_EPHEMERAL_STORAGE_MB = 512

/** The settings limg deploys, without the role: limg.json (with LIMG_* and flags applied). */
export type DeploySettings = Omit<FunctionSettings, 'role'>

export function deploySettings(config: ProjectConfig): DeploySettings {
  checkEnvironment(config.environment)
  return {
    memoryMb: config.memory,
    timeoutSeconds: config.timeout,
    environment: config.environment,
    ephemeralStorageMb: config.ephemeralStorage ?? DEFAULT_EPHEMERAL_STORAGE_MB,
    description: config.description ?? '',
  }
}

export function checkEnvironment(environment: Record<string, string>): void {
  const reserved = Object.keys(environment).filter((key) => (RESERVED_ENVIRONMENT as readonly string[]).includes(key))
  if (reserved.length > 0) {
    throw new InvalidInputError(
      `limg.json "environment" sets ${reserved.join(', ')}, which Lambda reserves and sets itself.`,
      'Remove them from "environment"; the function reads the values Lambda gives it.',
    )
  }
  const bytes = Object.entries(environment).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0)
  if (bytes > ENVIRONMENT_LIMIT_BYTES) {
    throw new InvalidInputError(
      `limg.json "environment" holds ${bytes} bytes; Lambda allows ${ENVIRONMENT_LIMIT_BYTES} for all variables together.`,
      'Move large values to SSM Parameter Store or Secrets Manager and read them at start-up.',
    )
  }
}

/** The names of the settings that differ, for the progress line; empty when nothing would change. */
export function changedSettings(current: FunctionSettings, wanted: FunctionSettings): string[] {
  const changed: string[] = []
  if (current.role !== wanted.role) changed.push('role')
  if (current.memoryMb !== wanted.memoryMb) changed.push('memory')
  if (current.timeoutSeconds !== wanted.timeoutSeconds) changed.push('timeout')
  if (current.ephemeralStorageMb !== wanted.ephemeralStorageMb) changed.push('ephemeral storage')
  if (current.description !== wanted.description) changed.push('description')
  if (!sameRecord(current.environment, wanted.environment)) changed.push('environment')
  return changed
}

export function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
}

/** The tags to (re)apply: those limg.json names that the function lacks or holds with another value. */
export function missingTags(current: Record<string, string>, wanted: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current[k] !== v))
}
