import http from 'node:http'

export interface HttpAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/**
 * A plain HTTP request that, unlike fetch, may send a body with any method. `path` sends a
 * request target as it is (WHATWG URLs would clean "//", "." and ".." out of it).
 */
export function request(
  url: string,
  options: {method?: string; headers?: Record<string, string>; body?: string | Buffer; path?: string} = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const body = options.body ?? ''
    const headers = {'Content-Length': String(Buffer.byteLength(body)), ...options.headers}
    const {hostname, port, pathname, search} = new URL(url)
    const path = options.path ?? pathname + search
    const req = http.request({hostname, port, path, method: options.method ?? 'POST', headers, agent: false}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')}),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}
