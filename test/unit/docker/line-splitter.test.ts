import {strict as assert} from 'node:assert'
import {LineSplitter} from '../../../src/docker/line-splitter.js'

describe('line splitter', () => {
  it('hands on whole lines only, however the chunks fall', () => {
    const lines: string[] = []
    const splitter = new LineSplitter((line) => lines.push(line))
    splitter.write('{"a":1}\r\n{"b"')
    assert.deepEqual(lines, ['{"a":1}'])
    splitter.write(':2}\n\n{"c":3}')
    splitter.end()
    assert.deepEqual(lines, ['{"a":1}', '{"b":2}', '{"c":3}'])
  })

  it('keeps a multi-byte character split across two chunks whole', () => {
    const lines: string[] = []
    const splitter = new LineSplitter((line) => lines.push(line))
    const bytes = Buffer.from('{"stream":"héllo ✓"}\n')
    const cut = bytes.indexOf(Buffer.from('✓')) + 1
    splitter.write(bytes.subarray(0, cut))
    splitter.write(bytes.subarray(cut))
    splitter.end()
    assert.deepEqual(lines, ['{"stream":"héllo ✓"}'])
  })
})
