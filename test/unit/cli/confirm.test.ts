import assert from 'node:assert/strict'
import {PassThrough} from 'node:stream'
import {confirm} from '../../../src/cli/confirm.js'

async function answer(typed: string | null): Promise<{result: boolean; shown: string}> {
  const input = new PassThrough()
  const output = new PassThrough()
  let shown = ''
  output.on('data', (c: Buffer) => (shown += c.toString()))
  const pending = confirm('Create limg-fn?', input, output)
  if (typed === null) input.end()
  else input.write(typed)
  return {result: await pending, shown}
}

describe('confirm', () => {
  it('asks once with no as the default; only y or yes is yes', async () => {
    const yes = await answer('yes\n')
    assert.equal(yes.result, true)
    assert.match(yes.shown, /Create limg-fn\? \(yes, no\) \[no\]: /)
    assert.equal((await answer('Y\n')).result, true)
    assert.equal((await answer('\n')).result, false)
    assert.equal((await answer('sure\n')).result, false)
  })

  it('an input that ends is no', async () => {
    assert.equal((await answer(null)).result, false)
  })
})
