import {InvalidInputError} from '../errors/index.js'

/** Lambda's logging configuration (LoggingConfig), as limg.json holds it. */
export type LogFormat = 'Text' | 'JSON'
export const LOG_FORMATS: readonly LogFormat[] = ['Text', 'JSON']
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL'
export const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']
export type SystemLogLevel = 'DEBUG' | 'INFO' | 'WARN'
export const SYSTEM_LOG_LEVELS: readonly SystemLogLevel[] = ['DEBUG', 'INFO', 'WARN']

export interface LogSettings {
  logFormat?: LogFormat
  logLevel?: LogLevel
  systemLogLevel?: SystemLogLevel
}

function oneOf<T extends string>(value: unknown, choices: readonly T[], field: string, source: string): T {
  const match = typeof value === 'string' ? choices.find((choice) => choice.toLowerCase() === value.toLowerCase()) : undefined
  if (!match) throw new InvalidInputError(`${source}: "${field}" is "${String(value)}".`, `Use one of: ${choices.join(', ')}.`)
  return match
}

/**
 * Lambda takes the levels with the JSON format only ("Text" logs every line), so a level
 * without `"logFormat": "JSON"` is refused here as Lambda's API refuses it.
 */
export function validateLogSettings(raw: Record<string, unknown>, source: string): LogSettings {
  const logFormat = raw.logFormat === undefined ? undefined : oneOf(raw.logFormat, LOG_FORMATS, 'logFormat', source)
  const logLevel = raw.logLevel === undefined ? undefined : oneOf(raw.logLevel, LOG_LEVELS, 'logLevel', source)
  const systemLogLevel = raw.systemLogLevel === undefined ? undefined : oneOf(raw.systemLogLevel, SYSTEM_LOG_LEVELS, 'systemLogLevel', source)
  if ((logLevel || systemLogLevel) && logFormat !== 'JSON') {
    throw new InvalidInputError(`${source}: "${logLevel ? 'logLevel' : 'systemLogLevel'}" needs "logFormat": "JSON"; Lambda filters levels of JSON logs only.`, 'Add "logFormat": "JSON", or remove the level.')
  }
  return {...(logFormat ? {logFormat} : {}), ...(logLevel ? {logLevel} : {}), ...(systemLogLevel ? {systemLogLevel} : {})}
}

/** Where limg's emulator reads the system log level; Lambda keeps it to itself, so no AWS variable carries it. */
export const SYSTEM_LOG_LEVEL_VARIABLE = 'LIMG_SYSTEM_LOG_LEVEL'

/**
 * The variables Lambda sets from the logging configuration: the format, and with JSON the
 * application level (INFO when none is set, as Lambda's default); plus the system level for
 * limg's emulator, which writes the platform records.
 */
export function logEnvironment(settings: LogSettings): Record<string, string> {
  if (settings.logFormat !== 'JSON') return settings.logFormat ? {AWS_LAMBDA_LOG_FORMAT: settings.logFormat} : {}
  return {AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: settings.logLevel ?? 'INFO', [SYSTEM_LOG_LEVEL_VARIABLE]: settings.systemLogLevel ?? 'INFO'}
}
