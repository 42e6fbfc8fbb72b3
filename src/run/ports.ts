import {createServer} from 'node:net'

/** A port free on this machine's loopback now (the engine may still lose a race for it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** The engine's words for "that host port is taken", across engine versions and proxies. */
export function isPortInUse(error: unknown): boolean {
  const message = String((error as {json?: {message?: string}})?.json?.message ?? (error as Error)?.message ?? '')
  return /address already in use|port is already allocated|bind: .*in use/i.test(message)
}

/** Whether something on this machine already listens on the loopback port. */
export function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(true))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)))
  })
}
