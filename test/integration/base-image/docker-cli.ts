import {randomBytes} from 'node:crypto'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {execa} from 'execa'
import {getArchitecture} from '../../../src/catalog/runtimes.js'
import {freeLoopbackPort} from '../../../src/run/ports.js'

/** Labels every image and container these tests make, so a sweep can find leftovers of a run. */
export const RUN_ID = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
export const TEST_LABEL = `limg.test=${RUN_ID}`

let counter = 0
/** A name no other run, and no other call in this run, uses. */
export function uniqueName(prefix: string): string {
  counter += 1
  return `${prefix}-${RUN_ID}-${counter}`
}

export async function docker(args: string[], options: {reject?: boolean} = {}): Promise<{stdout: string; stderr: string; exitCode: number}> {
  const run = await execa('docker', args, {reject: options.reject ?? true, stdin: 'ignore'})
  return {stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode ?? -1}
}

export function platformOf(arch: string): string {
  return getArchitecture(arch).platform
}

/**
 * Builds a function image FROM a base image: `files` land in /var/task, `opt` in /opt (as a
 * layer's would), `steps` are extra Dockerfile lines before them (a RUN npm ci, say),
 * `handler` is the CMD. Returns its name.
 */
export async function buildFunctionImage(options: {
  base: string
  arch: string
  handler: string
  files: Record<string, string>
  opt?: Record<string, string>
  steps?: string[]
  before?: Record<string, string>
}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'limg-base-test-'))
  try {
    const write = async (prefix: string, files: Record<string, string>) => {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, prefix, path)), {recursive: true})
        await writeFile(join(dir, prefix, path), content)
      }
    }
    await mkdir(join(dir, 'task'), {recursive: true})
    await write('task', options.files)
    await mkdir(join(dir, 'before'), {recursive: true})
    await write('before', options.before ?? {})
    await mkdir(join(dir, 'opt'), {recursive: true})
    await write('opt', options.opt ?? {})
    const dockerfile = [
      `FROM ${options.base}`,
      ...(options.opt ? ['COPY opt/ /opt/'] : []),
      'COPY before/ /var/task/',
      ...(options.steps ?? []),
      'COPY task/ /var/task/',
      `CMD ${JSON.stringify([options.handler])}`,
      '',
    ].join('\n')
    await writeFile(join(dir, 'Dockerfile'), dockerfile)
    const name = uniqueName('limg-test-fn')
    await docker(['build', '-q', '--platform', platformOf(options.arch), '--label', TEST_LABEL, '-t', name, dir])
    return name
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}


/** Removes every container and image of this run (labelled with its id), whatever state they are in. */
export async function sweepRun(): Promise<void> {
  const containers = (await docker(['ps', '-aq', '--filter', `label=${TEST_LABEL}`])).stdout.split('\n').filter(Boolean)
  if (containers.length > 0) await docker(['rm', '-f', ...containers], {reject: false})
  const images = (await docker(['images', '-q', '--filter', `label=${TEST_LABEL}`])).stdout.split('\n').filter(Boolean)
  if (images.length > 0) await docker(['rmi', '-f', ...new Set(images)], {reject: false})
}

export const freePort = freeLoopbackPort
