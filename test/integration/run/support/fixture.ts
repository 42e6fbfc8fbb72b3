import {randomBytes} from 'node:crypto'
import {chmod, copyFile, mkdir, mkdtemp, readFile, realpath, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import type {Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {pack} from 'tar-fs'
import {type DockerClient, openDocker} from '../../../../src/docker/client.js'
import {rawDocker} from '../../../support/raw-docker.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')

/** One id per test run: on every container and image the run makes, for the sweep. */
export const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
export const TEST_LABEL = 'limg.test'
/** What the code under test reads to label what it creates. */
export const TEST_ENV = {...process.env, LIMG_LABELS: `${TEST_LABEL}=${RUN_ID}`}

let engine: DockerClient | undefined
export async function testEngine(): Promise<DockerClient> {
  engine ??= await openDocker()
  return engine
}

let baseImage: Promise<string> | undefined

/**
 * A small Lambda-like base image made here, FROM scratch: the host's Node and the libraries it
 * links, busybox as /bin/sh, limg's emulator and runtime client, and /lambda-entrypoint.sh,
 * laid out as AWS's images are. x86_64 only: it reuses the host's binaries.
 */
export function functionBaseImage(): Promise<string> {
  baseImage ??= buildBaseImage()
  return baseImage
}

async function buildBaseImage(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'limg-local-base-'))
  try {
    const node = await realpath(process.execPath)
    await put(node, join(root, 'var/lang/bin/node'))
    const {stdout} = await execa('ldd', [node])
    for (const match of stdout.matchAll(/(\/\S+\.so[.\d]*)/g)) {
      await put(await realpath(match[1]), join(root, match[1]))
    }
    const busybox = await realpath('/bin/busybox')
    for (const target of ['bin/sh', 'usr/bin/env']) await put(busybox, join(root, target))
    await put(join(repoRoot, 'base/rie/aws-lambda-rie'), join(root, 'usr/local/bin/aws-lambda-rie'))
    await put(join(repoRoot, 'base/lambda-entrypoint.sh'), join(root, 'lambda-entrypoint.sh'))
    await put(join(repoRoot, 'base/runtime/bootstrap'), join(root, 'var/runtime/bootstrap'))
    await execa('cp', ['-r', join(repoRoot, 'base/runtime/limg-ric'), join(root, 'var/runtime/limg-ric')])
    await mkdir(join(root, 'var/task'), {recursive: true})
    await mkdir(join(root, 'tmp'), {recursive: true})
    await chmod(join(root, 'tmp'), 0o1777)
    const context = await mkdtemp(join(tmpdir(), 'limg-local-base-ctx-'))
    await execa('tar', ['-C', root, '-cf', join(context, 'rootfs.tar'), '.'])
    await writeFile(join(context, 'Dockerfile'), await readFile(join(dirname(fileURLToPath(import.meta.url)), 'base.Dockerfile'), 'utf8'))
    const tag = `limg-test-local-base:${RUN_ID}`
    const docker = await testEngine()
    await docker.images.build(pack(context) as unknown as Readable, {tags: [tag], platform: 'linux/amd64', labels: {limg: 'true', [TEST_LABEL]: RUN_ID}})
    await rm(context, {recursive: true, force: true})
    return tag
  } finally {
    await rm(root, {recursive: true, force: true})
  }
}

async function put(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), {recursive: true})
  await copyFile(from, to)
  await chmod(to, 0o755)
}

export interface ProjectOptions {
  /** index.js of the function. */
  code?: string
  config?: Record<string, unknown>
  files?: Record<string, string>
  /** The Dockerfile's ENTRYPOINT/CMD lines, to make an image without AWS's entrypoint. */
  dockerfileTail?: string
  /** Another base image than {@link functionBaseImage}, of this architecture. */
  base?: {image: string; arch: 'x86_64' | 'arm64'}
}

let counter = 0

/** A function project in a fresh temp folder, with its own Dockerfile over {@link functionBaseImage}. */
export async function makeProject(options: ProjectOptions = {}): Promise<{dir: string; name: string; image: string}> {
  const base = options.base?.image ?? (await functionBaseImage())
  const arch = options.base?.arch ?? 'x86_64'
  const dir = await mkdtemp(join(tmpdir(), 'limg-local-project-'))
  counter += 1
  const name = `lt-${RUN_ID}-${counter}`
  const files: Record<string, string> = {
    'limg.json': JSON.stringify({name, runtime: 'nodejs20.x', arch, template: 'commonjs', handler: 'index.handler', memory: 256, timeout: 5, ...options.config}, null, 2),
    'index.js': options.code ?? (await readFile(join(dirname(fileURLToPath(import.meta.url)), 'handler.js.txt'), 'utf8')),
    'package.json': '{"name":"fixture","version":"1.0.0","private":true}\n',
    Dockerfile: [`FROM ${base}`, `LABEL ${TEST_LABEL}=${RUN_ID}`, 'COPY . ./', options.dockerfileTail ?? 'CMD ["index.handler"]', ''].join('\n'),
    '.dockerignore': 'node_modules\nignored/\n',
    'events/event.json': '{"name":"event-file"}\n',
    ...options.files,
  }
  for (const [file, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), {recursive: true})
    await writeFile(join(dir, file), content)
  }
  return {dir, name, image: `${name.toLowerCase()}:${arch}`}
}

/** Removes every container and image this run labelled (the next test builds the base image again). */
export async function sweep(): Promise<void> {
  baseImage = undefined
  const docker = rawDocker()
  const filters = {label: [`${TEST_LABEL}=${RUN_ID}`]}
  for (const c of await docker.listContainers({all: true, filters})) await docker.getContainer(c.Id).remove({force: true}).catch(() => undefined)
  const images = await docker.listImages({filters})
  // Newest first: children before the images they were built on.
  images.sort((a, b) => b.Created - a.Created)
  for (const image of images) await docker.getImage(image.Id).remove({force: true}).catch(() => undefined)
}
