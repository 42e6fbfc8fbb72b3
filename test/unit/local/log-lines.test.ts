import {strict as assert} from 'node:assert'
import {type LogLine, LogLineSplitter, reportedRequest, startedRequest} from '../../../src/local/log-lines.js'

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(body.length, 4)
  return Buffer.concat([header, body])
}

describe('container log lines', () => {
  it('splits multiplexed frames into lines per stream, across chunk and frame boundaries', () => {
    const lines: LogLine[] = []
    const splitter = new LogLineSplitter((l) => lines.push(l))
    const raw = Buffer.concat([frame(1, 'START RequestId: a Version: $LATEST\nhal'), frame(2, 'oops\n'), frame(1, 'f line\r\n'), frame(1, 'tail')])
    for (let i = 0; i < raw.length; i += 5) splitter.write(raw.subarray(i, i + 5))
    splitter.end()
    assert.deepEqual(lines, [
      {stream: 'stdout', text: 'START RequestId: a Version: $LATEST'},
      {stream: 'stderr', text: 'oops'},
      {stream: 'stdout', text: 'half line'},
      {stream: 'stdout', text: 'tail'},
    ])
  })

  it('separates the engine\'s timestamps when asked for', () => {
    const lines: LogLine[] = []
    const splitter = new LogLineSplitter((l) => lines.push(l), true)
    splitter.write(frame(1, '2024-01-01T00:00:00.123456789Z hello world\n'))
    assert.deepEqual(lines, [{stream: 'stdout', time: '2024-01-01T00:00:00.123456789Z', text: 'hello world'}])
  })

  it('finds the request ids of START and REPORT lines, not END', () => {
    assert.equal(startedRequest('START RequestId: 8f3e Version: $LATEST'), '8f3e')
    assert.equal(startedRequest('2024 8f3e INFO START RequestId: x'), undefined)
    assert.equal(reportedRequest('REPORT RequestId: 8f3e\tDuration: 1.00 ms\t'), '8f3e')
    assert.equal(reportedRequest('END RequestId: 8f3e'), undefined)
  })
})
