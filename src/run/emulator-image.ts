import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {type Architecture, getArchitecture} from '../catalog/runtimes.js'
import {contextStream} from '../context/entries-stream.js'
import type {ImageClient, ImageInfo} from '../docker/images.js'
import {LocalRunError} from '../errors/index.js'
import {renderTemplate} from '../template/template.js'
import {cacheRoot} from '../util/cache-root.js'
import {packagePath} from '../util/package-files.js'

export const AWS_ENTRYPOINT = '/lambda-entrypoint.sh'
export const AWS_RIE_PATH = '/usr/local/bin/aws-lambda-rie'
export const RAPID_RIE_PATH = '/var/rapid/aws-lambda-rie'
const RIE_TEMPLATE = packagePath('templates', 'local', 'rie.Dockerfile')

/** AWS's file names for the emulator binary of each architecture. */
export function rieFileName(arch: Architecture): string {
  return arch === 'arm64' ? 'aws-lambda-rie-arm64' : 'aws-lambda-rie'
}

/** Where a cached emulator binary is looked for when `--rie` is not given. */
export function cachedRiePath(arch: Architecture, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'rie', rieFileName(arch))
}

/**
 * Whether the image starts the emulator by itself, as AWS's base images (and limg's offline
 * ones) do: their entrypoint script execs the emulator when no runtime API is set.
 */
export async function carriesEmulator(images: ImageClient, image: ImageInfo): Promise<boolean> {
  if (image.entrypoint.length !== 1 || image.entrypoint[0] !== AWS_ENTRYPOINT) return false
  return (await images.existingPaths(image.id, [AWS_RIE_PATH])).length > 0
}

export function renderRieDockerfile(template: string, baseImage: string, image: Pick<ImageInfo, 'entrypoint' | 'cmd'>): string {
  // Setting ENTRYPOINT resets an inherited CMD, so the image's own CMD is written out again.
  return renderTemplate(template, {
    baseImage,
    entrypoint: JSON.stringify([RAPID_RIE_PATH, ...image.entrypoint]),
    cmd: JSON.stringify(image.cmd),
  }, RIE_TEMPLATE)
}

export interface EmulatorImageRequest {
  image: ImageInfo
  arch: Architecture
  rie?: string
  labels: Record<string, string>
  signal?: AbortSignal
  env?: NodeJS.ProcessEnv
}

/**
 * An image `FROM` the given one with the emulator in front of its entrypoint, built through
 * the engine (so it works against a remote engine, where a bind mount would not). Named by
 * the content of both, so it is built once per image and emulator.
 */
export async function emulatorImage(images: ImageClient, request: EmulatorImageRequest): Promise<string> {
  const source = request.rie ?? cachedRiePath(request.arch, request.env)
  let binary: Buffer
  try {
    binary = await readFile(source)
  } catch (error) {
    throw new LocalRunError(
      `The image ${request.image.repoTags[0] ?? request.image.id} has no Runtime Interface Emulator, and there is none at ${source}.`,
      `Pass --rie PATH to AWS's ${rieFileName(request.arch)} binary (or place it at ${cachedRiePath(request.arch, request.env)}), or build on an AWS or limg base image.`,
      {cause: error},
    )
  }
  const digest = createHash('sha256').update(request.image.id).update(binary).digest('hex').slice(0, 16)
  const ref = `limg-rie:${digest}`
  if (await images.inspect(ref)) return ref
  const template = await readFile(RIE_TEMPLATE, 'utf8')
  const dockerfile = renderRieDockerfile(template, request.image.repoTags[0] ?? request.image.id, request.image)
  // The classic builder has no COPY --chmod: the mode travels in the tar entry.
  const context = contextStream([
    {kind: 'content', to: 'Dockerfile', data: dockerfile, mode: 0o644},
    {kind: 'file', from: source, to: 'aws-lambda-rie', mode: 0o755},
  ])
  await images.build(context, {
    tags: [ref],
    platform: getArchitecture(request.arch).platform,
    labels: {limg: 'true', ...request.labels},
    ...(request.signal ? {signal: request.signal} : {}),
  })
  return ref
}
