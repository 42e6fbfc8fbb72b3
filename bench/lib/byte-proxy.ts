import {type AddressInfo, type Socket, connect, createServer} from 'node:net'

/** A TCP relay on 127.0.0.1 counting the bytes each way: what a push really sends. */
export interface ByteProxy {
  host: string
  endpoint: string
  /** Bytes from clients to the target so far. */
  readonly sent: number
  readonly received: number
  close(): Promise<void>
}

export async function startByteProxy(targetPort: number): Promise<ByteProxy> {
  let sent = 0
  let received = 0
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.add(client).add(upstream)
    client.on('data', (c: Buffer) => (sent += c.length))
    upstream.on('data', (c: Buffer) => (received += c.length))
    client.pipe(upstream).pipe(client)
    const end = (): void => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    host: `127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}`,
    get sent() {
      return sent
    },
    get received() {
      return received
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
