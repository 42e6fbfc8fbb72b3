import {createHash, randomBytes} from 'node:crypto'
import {createWriteStream} from 'node:fs'
import {mkdir, rename, rm, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {type Readable, Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {RegistryError} from '../errors/index.js'
import {cacheRoot} from '../util/cache-root.js'

const DIGEST = /^sha256:([0-9a-f]{64})$/

/**
 * Blobs (base image layers, built layers, configs) on disk by digest, under limg's cache
 * folder. Each is written to a temporary file while its sha256 is computed, and renamed
 * into place only when that matches the digest, so the cache never holds a corrupt or
 * half-written blob and concurrent builds can share it.
 */
export class BlobCache {
  readonly dir: string

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.dir = join(cacheRoot(env), 'blobs', 'sha256')
  }

  path(digest: string): string {
    const match = DIGEST.exec(digest)
    if (!match) throw new RegistryError(`"${digest}" is not a sha256 digest.`)
    return join(this.dir, match[1])
  }

  async has(digest: string, size?: number): Promise<boolean> {
    const info = await stat(this.path(digest)).catch(() => undefined)
    return info !== undefined && info.isFile() && (size === undefined || info.size === size)
  }

  /** Writes `source` as `digest`, refusing bytes that hash to anything else. */
  async put(digest: string, source: Readable): Promise<string> {
    const file = this.path(digest)
    await mkdir(this.dir, {recursive: true})
    const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
    const hash = createHash('sha256')
    try {
      await pipeline(source, new Transform({transform(chunk: Buffer, _encoding, done) { hash.update(chunk); done(null, chunk) }}), createWriteStream(temp))
      const actual = `sha256:${hash.digest('hex')}`
      if (actual !== digest) throw new RegistryError(`The blob ${digest} downloaded as ${actual}: the registry or a proxy altered it.`, 'Try again; if it persists, use another registry or mirror.')
      await rename(temp, file)
      return file
    } catch (error) {
      await rm(temp, {force: true})
      throw error
    }
  }

  /** Moves a file whose digest the caller computed while writing it into the cache. */
  async adopt(digest: string, tempFile: string): Promise<string> {
    const file = this.path(digest)
    await mkdir(this.dir, {recursive: true})
    await rename(tempFile, file)
    return file
  }

  /** A temporary file beside the cache's blobs, so adopt() is a rename on one file system. */
  async tempFile(): Promise<string> {
    await mkdir(this.dir, {recursive: true})
    return join(this.dir, `.new-${process.pid}-${randomBytes(6).toString('hex')}.tmp`)
  }
}
