import {strict as assert} from 'node:assert'
import {InterruptedError} from '../../../src/errors/index.js'
import {type Job, runJobs} from '../../../src/repository/schedule.js'

/** A job that records when it starts and ends, and settles when the test says. */
function controlled(log: string[], name: string, shareKey?: string) {
  let settle: (ok: boolean) => void = () => {}
  const job: Job<string> = {
    ...(shareKey ? {shareKey} : {}),
    run: () => {
      log.push(`start ${name}`)
      return new Promise((resolve, reject) => {
        settle = (ok) => {
          log.push(`end ${name}`)
          if (ok) resolve(name)
          else reject(new Error(`${name} failed`))
        }
      })
    },
  }
  return {job, settle: (ok = true) => settle(ok)}
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('running many jobs', () => {
  it('runs at most `parallel` at once, in order, and settles every one even when some fail', async () => {
    const log: string[] = []
    const jobs = ['a', 'b', 'c'].map((name) => controlled(log, name))
    const all = runJobs(jobs.map((j) => j.job), 2)
    await turn()
    assert.deepEqual(log, ['start a', 'start b'])
    jobs[0]!.settle(false)
    await turn()
    assert.deepEqual(log, ['start a', 'start b', 'end a', 'start c'])
    jobs[1]!.settle()
    jobs[2]!.settle()
    const settled = await all
    assert.deepEqual(settled.map((s) => s.ok), [false, true, true])
    assert.match(String((settled[0] as {error: Error}).error.message), /a failed/)
  })

  it('starts the others of a share key only once one of them has succeeded; after a failure, the next goes alone', async () => {
    const log: string[] = []
    const first = controlled(log, 'first', 'deps')
    const second = controlled(log, 'second', 'deps')
    const third = controlled(log, 'third', 'deps')
    const other = controlled(log, 'other')
    const all = runJobs([first.job, second.job, third.job, other.job], 3)
    await turn()
    assert.deepEqual(log, ['start first', 'start other'])
    first.settle(false)
    await turn()
    assert.deepEqual(log.slice(2), ['end first', 'start second'])
    second.settle()
    await turn()
    assert.deepEqual(log.slice(4), ['end second', 'start third'])
    third.settle()
    other.settle()
    assert.deepEqual((await all).map((s) => s.ok), [false, true, true, true])
  })

  it('stops starting jobs on an interruption and throws it once the running ones end', async () => {
    const log: string[] = []
    const slow = controlled(log, 'slow')
    const interrupted: Job<string> = {run: async () => Promise.reject(new InterruptedError('SIGINT'))}
    const never = controlled(log, 'never')
    const all = runJobs([slow.job, interrupted, never.job], 2)
    await turn()
    slow.settle()
    await assert.rejects(all, InterruptedError)
    assert.ok(!log.includes('start never'))
  })

  it('answers an empty list at once', async () => {
    assert.deepEqual(await runJobs([], 4), [])
  })
})
