import type {ErrorDescription} from '../errors/index.js'
import {plainText} from '../util/terminal-text.js'

/** An error as limg prints it: `--json` gives this object on stdout. */
export interface ErrorJson {
  error: {code: string; message: string; suggestion?: string; details?: string[]; exitCode: number}
}

export type ErrorReport = ErrorDescription

/**
 * One error, printed once at the edge: one line on stderr (`Error: <message> <suggestion>`,
 * then any detail lines, indented), or with `json` one JSON object on stdout. Every text is
 * reduced to plain, single-line text first: messages can carry a build's colour codes or a
 * library's multi-line text.
 */
export function writeError(report: ErrorReport, json: boolean, out: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream} = process): void {
  const message = oneLine(report.message)
  const suggestion = report.suggestion ? oneLine(report.suggestion) : undefined
  const details = (report.details ?? []).map((line) => plainText(line)).filter((line) => line.trim() !== '')
  if (json) {
    const body: ErrorJson = {
      error: {code: report.code, message, exitCode: report.exitCode, ...(suggestion ? {suggestion} : {}), ...(details.length ? {details} : {})},
    }
    out.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
    return
  }
  out.stderr.write(`Error: ${message}${suggestion ? ` ${suggestion}` : ''}\n`)
  for (const line of details) out.stderr.write(`  | ${line}\n`)
}

/** Several lines (oclif's parse errors, an engine's HTML answer) joined into one. */
export function oneLine(text: string): string {
  return plainText(text)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
}

/** Whether the command line asks for `--json`, read before oclif has parsed it. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json')
}
