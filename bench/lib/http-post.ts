import {request} from 'node:http'

/** One POST with node:http (a fresh connection, as curl makes); resolves with the status and body. */
export function post(url: string, body: string): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request(url, {method: 'POST', agent: false, headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)}}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString()}))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}
