import {createHash} from 'node:crypto'
import {type IncomingMessage, type Server, type ServerResponse, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {createGzip} from 'node:zlib'
import {pack} from 'tar-stream'

/** One package a private registry serves: its files, under package/ in the tarball. */
export interface PrivatePackage {
  name: string
  version: string
  files: Record<string, string>
}

export interface PrivateRegistry {
  /** `http://<host>:<port>/`, as .npmrc's registry line and the lock file name it. */
  url: string
  token: string
  /** Requests seen, with whether they carried the token. */
  requests: Array<{path: string; authorized: boolean}>
  close(): Promise<void>
}

/**
 * A private npm registry as the registry API serves installs: a package document at
 * `/<name>` and tarballs under `/<name>/-/`, both refused with 401 without the bearer token,
 * as npm's own registry and private ones (GitHub Packages, Artifactory, CodeArtifact) do.
 * It listens on `host`, which a build container must reach (the engine's bridge gateway).
 */
export async function startPrivateRegistry(host: string, packages: PrivatePackage[], token: string): Promise<PrivateRegistry> {
  const tarballs = new Map<string, Buffer>()
  for (const pkg of packages) tarballs.set(tarballPath(pkg), await tarball(pkg))
  const requests: PrivateRegistry['requests'] = []
  let url = ''

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0])
    const authorized = req.headers.authorization === `Bearer ${token}`
    requests.push({path, authorized})
    if (!authorized) return send(res, 401, {error: 'authentication required'})
    const body = tarballs.get(path)
    if (body) {
      res.writeHead(200, {'content-type': 'application/octet-stream', 'content-length': body.length})
      return res.end(body)
    }
    const pkg = packages.find((p) => `/${p.name}` === path)
    if (!pkg) return send(res, 404, {error: 'not found'})
    const dist = distOf(pkg, url, tarballs.get(tarballPath(pkg)) as Buffer)
    return send(res, 200, {name: pkg.name, 'dist-tags': {latest: pkg.version}, versions: {[pkg.version]: {name: pkg.name, version: pkg.version, dist}}})
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve())
  })
  url = `http://${host}:${(server.address() as AddressInfo).port}/`
  return {
    url,
    token,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function tarballPath(pkg: PrivatePackage): string {
  return `/${pkg.name}/-/${pkg.name.split('/').pop()}-${pkg.version}.tgz`
}

function distOf(pkg: PrivatePackage, url: string, body: Buffer): {tarball: string; integrity: string; shasum: string} {
  return {
    tarball: `${url.replace(/\/$/, '')}${tarballPath(pkg)}`,
    integrity: `sha512-${createHash('sha512').update(body).digest('base64')}`,
    shasum: createHash('sha1').update(body).digest('hex'),
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)})
  res.end(text)
}

async function tarball(pkg: PrivatePackage): Promise<Buffer> {
  const archive = pack()
  const files = {'package.json': JSON.stringify({name: pkg.name, version: pkg.version, main: 'index.js'}), ...pkg.files}
  for (const [name, content] of Object.entries(files)) archive.entry({name: `package/${name}`, mode: 0o644, mtime: new Date(0)}, content)
  archive.finalize()
  const chunks: Buffer[] = []
  for await (const chunk of archive.pipe(createGzip())) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
