import {createReadStream} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {execa} from 'execa'
import {extract} from 'tar-stream'

/** One file of one layer of a saved image. */
export interface LayerFile {
  layer: string
  path: string
  /** Whether the file's bytes hold any of the needles searched for. */
  holds: string[]
}

/**
 * Every file in every layer of `image`, read from `docker save`, with the needles each
 * file's content holds: what a registry would receive, deleted files' lower layers included.
 */
export async function layerFiles(image: string, needles: string[]): Promise<LayerFile[]> {
  const dir = await mkdtemp(join(tmpdir(), 'limg-layers-'))
  try {
    const archive = join(dir, 'image.tar')
    await execa('docker', ['save', '-o', archive, image])
    const found: LayerFile[] = []
    for await (const entry of createReadStream(archive).pipe(extract())) {
      const name = entry.header.name
      if (!/layer\.tar$|^blobs\/sha256\/[0-9a-f]{64}$/.test(name)) {
        entry.resume()
        continue
      }
      const body = await read(entry)
      // An OCI blob may be a config or manifest rather than a layer: only tars are walked.
      if (body.length < 512 || body.subarray(257, 262).toString() !== 'ustar') continue
      for await (const file of Readable.from([body]).pipe(extract())) {
        const content = await read(file)
        found.push({layer: name, path: file.header.name.replace(/^\.\//, ''), holds: needles.filter((n) => content.includes(n))})
      }
    }
    return found
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

async function read(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
