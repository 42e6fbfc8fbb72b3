// The emulator's own lines that open and close an invocation in a function's log.
const START = /^START RequestId: (\S+)/
const END_OR_REPORT = /^(END|REPORT) RequestId: (\S+)/

/** The request id a START line opens, if it is one. */
export function startedRequest(text: string): string | undefined {
  return START.exec(text)?.[1]
}

/** The request id a REPORT line closes, if it is one. */
export function reportedRequest(text: string): string | undefined {
  const match = END_OR_REPORT.exec(text)
  return match && match[1] === 'REPORT' ? match[2] : undefined
}
