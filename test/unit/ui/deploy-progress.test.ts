import assert from 'node:assert/strict'
import {PassThrough} from 'node:stream'
import {DeployProgressView} from '../../../src/ui/deploy-progress.js'

function render(events: Parameters<DeployProgressView['handle']>[0][]): string {
  const out = new PassThrough()
  let text = ''
  out.on('data', (c: Buffer) => (text += c.toString()))
  const view = new DeployProgressView(out, false)
  for (const event of events) view.handle(event)
  return text
}

describe('DeployProgressView', () => {
  it('prints a line per step, per state seen while waiting, per retry, and the push as the push view does', () => {
    const text = render([
      {type: 'phase', phase: 'create', message: 'Creating the function fn from u'},
      {type: 'retry', what: 'create the function', attempt: 1, delayMs: 1000, reason: 'not yet'},
      {type: 'waiting', functionName: 'fn', what: 'become Active', state: 'Pending', reason: 'The function is being created.'},
      {type: 'retry', what: 'update the code', attempt: 1, delayMs: 0, reason: 'busy'},
      {type: 'push', event: {type: 'phase', phase: 'push', message: 'Pushing r:t'}},
    ])
    assert.equal(
      text,
      [
        'Creating the function fn from u',
        '  retrying to create the function in 1s (attempt 1): not yet',
        '  waiting for fn to become Active: State Pending (The function is being created.)',
        '  Lambda is busy with another update; waiting to update the code (attempt 1)',
        'Pushing r:t',
        '',
      ].join('\n'),
    )
  })
})
