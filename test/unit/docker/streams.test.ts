import {strict as assert} from 'node:assert'
import {PassThrough} from 'node:stream'
import {type LogLine, demuxLines} from '../../../src/docker/streams.js'

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(body.length, 4)
  return Buffer.concat([header, body])
}

describe('container log lines', () => {
  it('splits multiplexed frames into lines per stream, across chunk, frame and character boundaries', async () => {
    const lines: LogLine[] = []
    const stream = new PassThrough()
    const reader = demuxLines(stream, (l) => lines.push(l))
    const raw = Buffer.concat([frame(1, 'START RequestId: a Version: $LATEST\nhal'), frame(2, 'oops\n'), frame(1, 'f line\r\n'), frame(1, '  kept indent\n\n'), frame(1, 'é tail')])
    for (let i = 0; i < raw.length; i += 5) stream.write(raw.subarray(i, i + 5))
    stream.end()
    await reader.done
    assert.deepEqual(lines, [
      {stream: 'stdout', text: 'START RequestId: a Version: $LATEST'},
      {stream: 'stderr', text: 'oops'},
      {stream: 'stdout', text: 'half line'},
      {stream: 'stdout', text: '  kept indent'},
      {stream: 'stdout', text: ''},
      {stream: 'stdout', text: 'é tail'},
    ])
  })

  it('stops reading when asked, and ends once', async () => {
    const lines: LogLine[] = []
    const stream = new PassThrough()
    const reader = demuxLines(stream, (l) => lines.push(l))
    stream.write(frame(1, 'one\n'))
    await new Promise((resolve) => setImmediate(resolve))
    reader.stop()
    await reader.done
    assert.deepEqual(lines, [{stream: 'stdout', text: 'one'}])
    assert.equal(stream.destroyed, true)
  })

  it('reads a log that is not multiplexed (a container with a TTY) as stdout', async () => {
    const lines: LogLine[] = []
    const stream = new PassThrough()
    const reader = demuxLines(stream, (l) => lines.push(l))
    stream.end('plain text, no frames\nsecond\n')
    await reader.done
    assert.deepEqual(lines, [
      {stream: 'stdout', text: 'plain text, no frames'},
      {stream: 'stdout', text: 'second'},
    ])
  })

  it('waits for a frame split inside its header and inside a large payload', async () => {
    const lines: LogLine[] = []
    const stream = new PassThrough()
    const reader = demuxLines(stream, (l) => lines.push(l))
    const big = 'x'.repeat(70_000)
    const raw = Buffer.concat([frame(2, `${big}\n`), frame(1, 'after\n')])
    stream.write(raw.subarray(0, 3))
    stream.write(raw.subarray(3, 40_000))
    stream.end(raw.subarray(40_000))
    await reader.done
    assert.deepEqual(lines, [
      {stream: 'stderr', text: big},
      {stream: 'stdout', text: 'after'},
    ])
  })
})
