import {readFile} from 'node:fs/promises'
import {logEnvironment} from '../config/log-settings.js'
import type {ProjectConfig} from '../config/schema.js'
import {InvalidInputError} from '../errors/index.js'
import {fsReason} from '../util/fs-errors.js'

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** `K=V` from `--env`; `K` alone takes the value from limg's own environment, as `docker run -e K` does. */
export function parseAssignment(text: string, where: string, env: NodeJS.ProcessEnv = process.env): [string, string] | undefined {
  const eq = text.indexOf('=')
  const key = (eq < 0 ? text : text.slice(0, eq)).trim()
  if (!NAME.test(key)) {
    throw new InvalidInputError(`${where}: "${text}" is not a KEY=VALUE assignment with a valid variable name.`, 'Write it as NAME=value, e.g. --env STAGE=dev.')
  }
  if (eq < 0) {
    const inherited = env[key]
    return inherited === undefined ? undefined : [key, inherited]
  }
  return [key, text.slice(eq + 1)]
}

/**
 * Reads an env file as `docker run --env-file` does, plus the quoting dotenv users expect:
 * one KEY=VALUE per line, `#` comments and blank lines skipped, an optional `export ` prefix,
 * and matching surrounding quotes removed.
 */
export function parseEnvFile(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {}
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const assignment = parseAssignment(line.replace(/^export\s+/, ''), `${file}:${index + 1}`, env)
    if (!assignment) return
    const [key, value] = assignment
    const quoted = /^(["'])(.*)\1$/.exec(value.trim())
    out[key] = quoted ? quoted[2] : value
  })
  return out
}

export async function readEnvFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const reason = fsReason(error)
    if (!reason) throw error
    throw new InvalidInputError(`Cannot read the env file ${file}: ${reason}.`, 'Check the --env-file path.', {cause: error})
  }
  return parseEnvFile(text, file, env)
}

export interface EnvironmentSources {
  config: ProjectConfig
  envFile?: Record<string, string>
  assignments?: string[]
}

/**
 * The function's environment, lowest to highest: limg.json `environment`, `--env-file`,
 * `--env`; then the values Lambda itself sets from the function's configuration and
 * region, which a user variable cannot override (Lambda reserves them too). The region is
 * the one AWS_REGION or AWS_DEFAULT_REGION names in limg's own environment, else us-east-1.
 */
export function functionEnvironment(sources: EnvironmentSources, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const merged: Record<string, string> = {...sources.config.environment, ...sources.envFile}
  for (const text of sources.assignments ?? []) {
    const assignment = parseAssignment(text, '--env', env)
    if (assignment) merged[assignment[0]] = assignment[1]
  }
  // Lambda always sets the region: an SDK client created without one fails with "Region is
  // missing" only locally. The emulator's function ARN names us-east-1, so that is the default.
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1'
  return {
    ...merged,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: sources.config.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(sources.config.memory),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(sources.config.timeout),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${sources.config.name}`,
    ...logEnvironment(sources.config),
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined
}

export function toDockerEnv(environment: Record<string, string>): string[] {
  return Object.entries(environment).map(([k, v]) => `${k}=${v}`)
}
