import {randomBytes} from 'node:crypto'
import {request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {connect} from 'node:net'
import {execa} from 'execa'

/** What the test engines (a private dockerd, a remote one, a Podman service) share. */

/** Whether an engine answers `GET /_ping` with 200 at a socket, or a TCP address (TLS with client certificates). */
export function pings(at: {socketPath: string} | {host: string; port: number | string; tls?: {ca: Buffer; cert: Buffer; key: Buffer}}): Promise<boolean> {
  return new Promise((resolve) => {
    const tls = 'tls' in at ? at.tls : undefined
    const where = 'socketPath' in at ? {socketPath: at.socketPath} : {host: at.host, port: at.port}
    const req = (tls ? httpsRequest : httpRequest)({...where, path: '/_ping', timeout: 2000, ...tls}, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}

/** A `<prefix>.x.0/24` (prefix `10.231`, `10.232`) no route of this machine uses yet. */
export async function freeSubnet(prefix: string, what: string): Promise<string> {
  const routes = (await execa('ip', ['-4', 'route'])).stdout
  for (let attempt = 0; attempt < 50; attempt++) {
    const subnet = `${prefix}.${randomBytes(1)[0]}`
    if (!routes.includes(`${subnet}.`)) return subnet
  }
  throw new Error(`No free ${prefix}.x.0/24 for ${what}.`)
}

export async function ip(args: string[]): Promise<void> {
  await execa('ip', args)
}

/** Unmounts (lazily, deepest first) what an engine left mounted under its own folder, before the folder goes. */
export async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await execa('findmnt', ['-rn', '-o', 'TARGET'], {reject: false})).stdout.split('\n').filter((m) => m.startsWith(`${dir}/`))
  for (const mount of mounts.sort().reverse()) await execa('umount', ['-l', mount], {reject: false})
}

/** Whether anything accepts a TCP connection at host:port (a bound time out, refused or reset: no). */
export function listening(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({host, port, timeout: timeoutMs}, () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('timeout', () => socket.destroy())
    socket.on('error', () => resolve(false))
    socket.on('close', () => resolve(false))
  })
}
