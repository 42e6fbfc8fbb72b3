import {platformRecord} from '../invoke/log-lines.js'

/**
 * A log line as a person reads it on a terminal: Lambda's JSON records (the runtime's console
 * records and the platform's START/REPORT records) in the layout of its Text format; any other
 * line as it is. Piped or with --json, lines stay raw, for tools that parse them.
 */
export function readableLogLine(text: string): string {
  const platform = platformRecord(text)
  if (platform) return readablePlatformRecord(platform.type, platform.record) ?? text
  const app = applicationRecord(text)
  if (!app) return text
  const message = typeof app.message === 'string' ? app.message : describeMessage(app.message)
  const error = typeof app.errorType === 'string' && Array.isArray(app.stackTrace) && !message.includes(String(app.stackTrace[0] ?? '')) ? `\n${app.stackTrace.join('\n')}` : ''
  return `${app.timestamp}\t${app.requestId ?? 'undefined'}\t${app.level}\t${message}${error}`
}

/** Writes one log line: readably on a person's terminal, raw when piped or with --json. */
export function printLogLine(stream: NodeJS.WriteStream, text: string, json: boolean): void {
  stream.write(`${!json && stream.isTTY === true ? readableLogLine(text) : text}\n`)
}

interface ApplicationRecord {
  timestamp: string
  level: string
  requestId?: string
  message: unknown
  errorType?: unknown
  stackTrace?: unknown
}

function applicationRecord(text: string): ApplicationRecord | undefined {
  if (!text.startsWith('{"timestamp"')) return undefined
  try {
    const parsed = JSON.parse(text) as Partial<ApplicationRecord>
    if (typeof parsed.timestamp !== 'string' || typeof parsed.level !== 'string' || !('message' in parsed)) return undefined
    return parsed as ApplicationRecord
  } catch {
    return undefined
  }
}

// An error logged alone comes as an object with its type, message and stack.
function describeMessage(message: unknown): string {
  if (typeof message === 'object' && message !== null && Array.isArray((message as {stackTrace?: unknown}).stackTrace)) {
    return ((message as {stackTrace: unknown[]}).stackTrace).join('\n')
  }
  return JSON.stringify(message)
}

function readablePlatformRecord(type: string, record: Record<string, unknown>): string | undefined {
  const status = typeof record.status === 'string' && record.status !== 'success' ? ` (${record.status})` : ''
  const metrics = (typeof record.metrics === 'object' && record.metrics !== null ? record.metrics : {}) as Record<string, unknown>
  const ms = (value: unknown): string => (typeof value === 'number' ? value.toFixed(2) : String(value))
  switch (type) {
    case 'platform.initStart':
      return `INIT_START Function: ${String(record.functionName)} Version: ${String(record.functionVersion)} (${String(record.initializationType)})`
    case 'platform.start':
      return `START RequestId: ${String(record.requestId)} Version: ${String(record.version)}`
    case 'platform.runtimeDone':
      return `END RequestId: ${String(record.requestId)}${status}`
    case 'platform.report': {
      const init = metrics.initDurationMs === undefined ? '' : `Init Duration: ${ms(metrics.initDurationMs)} ms\t`
      return `REPORT RequestId: ${String(record.requestId)}\t${init}Duration: ${ms(metrics.durationMs)} ms\tBilled Duration: ${String(metrics.billedDurationMs)} ms\tMemory Size: ${String(metrics.memorySizeMB)} MB\tMax Memory Used: ${String(metrics.maxMemoryUsedMB)} MB${status}`
    }
    default:
      return undefined
  }
}
