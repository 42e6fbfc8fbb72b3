import {request} from 'node:http'
import {type EmulatorAddress, INVOKE_PATH} from '../run/emulator.js'
import {abortReason} from '../util/abort.js'
import type {RawReply} from './outcome.js'
import {type StreamSink, isStreamed, streamedError} from './streamed.js'

/**
 * One POST to the emulator. Failures of the connection (reset, refused, an empty reply)
 * come back as values: telling them apart from a function error is the point. An abort
 * (Ctrl-C) is not a failure of the emulator: it rejects with the signal's reason. A streamed
 * response goes to `sink` chunk by chunk as it arrives, and is in the reply whole at the end.
 */
export function postInvocation(target: EmulatorAddress, event: Buffer, signal?: AbortSignal, sink?: StreamSink): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const settle = (failure: string): void => {
      if (signal?.aborted) reject(abortReason(signal))
      else resolve({error: failure})
    }
    const req = request(
      {
        host: target.host,
        port: target.port,
        path: INVOKE_PATH,
        method: 'POST',
        headers: {'content-type': 'application/json', 'content-length': event.length},
        // A fresh connection per invoke: a kept-alive socket can outlive an emulator restart.
        agent: false,
        ...(signal ? {signal} : {}),
      },
      (res) => {
        const chunks: Buffer[] = []
        const streamed = isStreamed(res.headers)
        const contentType = String(res.headers['content-type'] ?? 'application/octet-stream')
        if (streamed) sink?.onStart(contentType)
        res.on('data', (c: Buffer) => {
          chunks.push(c)
          if (streamed) sink?.onChunk(c)
        })
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          if (!streamed) return resolve({statusCode: res.statusCode ?? 0, body})
          const error = streamedError(res.trailers)
          resolve({statusCode: res.statusCode ?? 0, body, streamed: {contentType, ...(error ? {error} : {})}})
        })
        res.on('error', (error) => settle(error.message))
      },
    )
    req.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message))
    req.end(event)
  })
}
