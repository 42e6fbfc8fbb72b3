import type {BenchSession} from '../lib/session.js'
import type {CaseResult} from '../lib/report.js'
export async function pushCase(_session: BenchSession, _runs: number): Promise<CaseResult> {
  return {id: 6, key: 'push', title: 'Push', available: false, rows: [], targets: []}
}
