// The emulator's own lines that open and close an invocation in a function's log: START and
// REPORT as text, or Lambda's JSON platform records (platform.start, platform.report).
const START = /^START RequestId: (\S+)/
const END_OR_REPORT = /^(END|REPORT) RequestId: (\S+)/

/** A JSON platform record (`{"time", "type": "platform.…", "record"}`), if the line is one. */
export function platformRecord(text: string): {time: string; type: string; record: Record<string, unknown>} | undefined {
  if (!text.startsWith('{"time"')) return undefined
  try {
    const parsed = JSON.parse(text) as {time?: unknown; type?: unknown; record?: unknown}
    if (typeof parsed.type !== 'string' || !parsed.type.startsWith('platform.') || typeof parsed.record !== 'object' || parsed.record === null) return undefined
    return {time: String(parsed.time), type: parsed.type, record: parsed.record as Record<string, unknown>}
  } catch {
    return undefined
  }
}

function recordRequest(text: string, type: string): string | undefined {
  const record = platformRecord(text)
  return record?.type === type && typeof record.record.requestId === 'string' ? record.record.requestId : undefined
}

/** The request id a START line (or platform.start record) opens, if it is one. */
export function startedRequest(text: string): string | undefined {
  return START.exec(text)?.[1] ?? recordRequest(text, 'platform.start')
}

/** The request id a REPORT line (or platform.report record) closes, if it is one. */
export function reportedRequest(text: string): string | undefined {
  const match = END_OR_REPORT.exec(text)
  if (match) return match[1] === 'REPORT' ? match[2] : undefined
  return recordRequest(text, 'platform.report')
}
