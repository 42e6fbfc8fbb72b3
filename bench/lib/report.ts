import {type Summary, summarize} from './stats.js'

export type Unit = 'ms' | 'bytes'

/** One measured series: what was measured, with which tool, and every sample. */
export interface Row {
  measure: string
  tool: string
  unit: Unit
  samples: number[]
  /** The tool of the row (same measure) this one is compared with; ratio = this median / that median. */
  versus?: string
  /** Facts about the series worth keeping in the JSON (limg's own durationMs, steps...). */
  details?: Record<string, unknown>
}

export interface Target {
  name: string
  /** null: could not be measured in this run. */
  met: boolean | null
  detail: string
}

export interface CaseResult {
  id: number
  key: string
  title: string
  available: boolean
  note?: string
  rows: Row[]
  targets: Target[]
  durationMs?: number
}

export interface RowSummary extends Row {
  summary: Summary
  ratio?: number
}

export function summarizeRows(rows: Row[]): RowSummary[] {
  return rows.map((row) => {
    const summary = summarize(row.samples)
    const base = row.versus === undefined ? undefined : rows.find((r) => r.measure === row.measure && r.tool === row.versus)
    const ratio = base ? summary.median / summarize(base.samples).median : undefined
    return {...row, summary, ...(ratio === undefined ? {} : {ratio})}
  })
}

export function median(rows: Row[], measure: string, tool: string): number | undefined {
  const row = rows.find((r) => r.measure === measure && r.tool === tool)
  return row && row.samples.length > 0 ? summarize(row.samples).median : undefined
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return '-'
  if (unit === 'bytes') {
    if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(1)} MiB`
    if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`
    return `${value} B`
  }
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`
}

const HEADER = ['case', 'measure', 'tool', 'median', 'min', 'max', 'n', 'ratio']

function tableCells(results: CaseResult[]): string[][] {
  const cells: string[][] = []
  for (const result of results) {
    if (!result.available) {
      cells.push([`${result.id}`, result.title, 'not available', '', '', '', '', ''])
      continue
    }
    for (const row of summarizeRows(result.rows)) {
      const {summary: s} = row
      cells.push([
        `${result.id}`,
        row.measure,
        row.tool,
        formatValue(s.median, row.unit),
        formatValue(s.min, row.unit),
        formatValue(s.max, row.unit),
        `${s.n}`,
        row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x ${row.versus}`,
      ])
    }
  }
  return cells
}

/** A fixed-width table for the terminal. */
export function renderTable(results: CaseResult[]): string {
  const cells = [HEADER, ...tableCells(results)]
  const widths = HEADER.map((_, i) => Math.max(...cells.map((row) => row[i].length)))
  const right = new Set([3, 4, 5, 6])
  const line = (row: string[]): string => row.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd()
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n')
}

export function renderMarkdownTable(results: CaseResult[]): string {
  const rows = [HEADER, HEADER.map((_, i) => ([3, 4, 5, 6].includes(i) ? '---:' : '---')), ...tableCells(results)]
  return rows.map((row) => `| ${row.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`).join('\n')
}

export function renderTargets(results: CaseResult[]): string {
  const lines: string[] = []
  for (const result of results) {
    for (const target of result.targets) {
      const mark = target.met === null ? 'NOT MEASURED' : target.met ? 'met' : 'NOT MET'
      lines.push(`[${mark}] ${target.name}: ${target.detail}`)
    }
    if (result.note) lines.push(`(case ${result.id}) ${result.note}`)
  }
  return lines.join('\n')
}
