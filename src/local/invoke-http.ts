import {request} from 'node:http'
import {InterruptedError} from '../errors/index.js'
import type {RawReply} from './outcome.js'

export const INVOKE_PATH = '/2015-03-31/functions/function/invocations'

export interface HttpTarget {
  host: string
  port: number
}

/**
 * One POST to the emulator. Failures of the connection (reset, refused, an empty reply)
 * come back as values: telling them apart from a function error is the point. An abort
 * (Ctrl-C) is not a failure of the emulator: it rejects with the signal's reason.
 */
export function postInvocation(target: HttpTarget, event: Buffer, signal?: AbortSignal): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const settle = (failure: string): void => {
      if (signal?.aborted) reject(signal.reason instanceof Error ? signal.reason : new InterruptedError())
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
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}))
        res.on('error', (error) => settle(error.message))
      },
    )
    req.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message))
    req.end(event)
  })
}

/**
 * Any HTTP answer from the emulator's port means it is listening. A bare TCP connect proves
 * nothing: Docker's port proxy accepts connections before the container listens.
 */
export function probe(target: HttpTarget, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({host: target.host, port: target.port, path: '/', method: 'GET', agent: false, timeout: timeoutMs}, (res) => {
      res.resume()
      res.on('end', () => resolve(true))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve(false))
    req.end()
  })
}
