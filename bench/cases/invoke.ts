import type {BenchSession} from '../lib/session.js'
import type {CaseResult} from '../lib/report.js'
export async function invokeCase(_session: BenchSession, _runs: number, _invocations: number): Promise<CaseResult> {
  return {id: 5, key: 'invoke', title: 'Local invoke', available: false, rows: [], targets: []}
}
