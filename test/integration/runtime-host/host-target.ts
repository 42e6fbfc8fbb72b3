import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {once} from 'node:events'
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {HandlerFixture, RuntimeTarget, StopResult} from './target.js'
import {freeLoopbackPort as freePort} from '../../../src/run/ports.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const EMULATOR = join(repoRoot, 'base/rie/aws-lambda-rie')
export const CLIENT_MAIN = join(repoRoot, 'base/runtime/limg-ric/main.js')
const RUNTIME_DIR = join(repoRoot, 'base/runtime')


function canConnect(port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolveConnect(true)
    })
    socket.once('error', () => resolveConnect(false))
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    const path = join(root, file)
    await mkdir(dirname(path), {recursive: true})
    await writeFile(path, content)
  }
}

const majors = new Map<string, number>()
function nodeMajorOf(node: string): number {
  let major = majors.get(node)
  if (major === undefined) {
    major = Number(execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], {encoding: 'utf8'}).trim())
    majors.set(node, major)
  }
  return major
}

export interface HostTargetOptions {
  /** The Node that runs the runtime client (and limg's emulator). */
  node?: string
  /** Replaces the runtime client as the emulator's bootstrap. */
  runtimeCommand?: string[]
  /** AWS's aws-lambda-rie binary, in place of limg's emulator. */
  realRie?: string
}

/**
 * The emulator and the runtime interface client as host processes, in place of
 * /usr/local/bin/aws-lambda-rie and /var/runtime/bootstrap. LIMG_TEST_RUNTIME_NODE
 * names another Node binary to run both with (an older Node, say).
 */
export class HostTarget implements RuntimeTarget {
  private child: ChildProcess | undefined
  private exited: Promise<StopResult> | undefined
  private output = ''
  private taskRoot = ''
  private optRoot = ''
  private bootstrapDir = ''
  private invokePort = 0

  readonly nodeMajor: number

  private readonly node: string
  private readonly runtimeCommand: string[]
  private readonly realRie: string | undefined

  constructor(options: HostTargetOptions = {}) {
    this.node = options.node ?? (process.env.LIMG_TEST_RUNTIME_NODE || process.execPath)
    this.runtimeCommand = options.runtimeCommand ?? [this.node, CLIENT_MAIN]
    this.realRie = options.realRie
    this.nodeMajor = nodeMajorOf(this.node)
  }

  async start(fixture: HandlerFixture, env: Record<string, string> = {}): Promise<void> {
    this.taskRoot = await mkdtemp(join(tmpdir(), 'limg-runtime-host-'))
    this.optRoot = await mkdtemp(join(tmpdir(), 'limg-runtime-opt-'))
    await writeFiles(this.taskRoot, fixture.files)
    await writeFiles(this.optRoot, fixture.opt ?? {})
    // What /var/runtime/bootstrap sets, with this run's /opt and task root.
    const nodePath = [
      join(this.optRoot, `nodejs/node${this.nodeMajor}/node_modules`),
      join(this.optRoot, 'nodejs/node_modules'),
      join(RUNTIME_DIR, 'node_modules'),
      RUNTIME_DIR,
      this.taskRoot,
    ].join(':')
    this.invokePort = await freePort()
    const apiPort = await freePort()
    const addresses = ['--runtime-interface-emulator-address', `127.0.0.1:${this.invokePort}`, '--runtime-api-address', `127.0.0.1:${apiPort}`]
    const [command, ...args] = this.realRie
      ? [this.realRie, ...addresses, await this.bootstrapScript()]
      : [this.node, EMULATOR, ...addresses, ...this.runtimeCommand]
    const child = spawn(command, args, {
      cwd: this.taskRoot,
      // Only what a container would have: no host AWS_* variables leak in.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'en_US.UTF-8',
        LAMBDA_TASK_ROOT: this.taskRoot,
        NODE_PATH: nodePath,
        _HANDLER: fixture.handler,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')))
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')))
    this.exited = once(child, 'exit').then(([code]) => ({exitCode: code as number | null}))

    for (let attempt = 0; attempt < 200; attempt++) {
      if (child.exitCode !== null) throw new Error(`emulator exited early:\n${this.output}`)
      if (await canConnect(this.invokePort)) return
      await sleep(25)
    }
    throw new Error(`emulator did not listen on ${this.invokePort}:\n${this.output}`)
  }

  invokeUrl(): string {
    return `http://127.0.0.1:${this.invokePort}/2015-03-31/functions/function/invocations`
  }

  async stop(): Promise<StopResult> {
    const child = this.child
    const exited = this.exited
    this.child = undefined
    let result: StopResult = {exitCode: null}
    if (child && exited) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      result = await exited
      clearTimeout(killer)
    }
    for (const dir of [this.taskRoot, this.optRoot]) if (dir) await rm(dir, {recursive: true, force: true})
    if (this.bootstrapDir) await rm(this.bootstrapDir, {recursive: true, force: true})
    return result
  }

  // AWS's emulator takes the last of several bootstrap arguments for the handler, so the
  // runtime command goes behind one script, as /var/runtime/bootstrap is in an image.
  private async bootstrapScript(): Promise<string> {
    this.bootstrapDir = await mkdtemp(join(tmpdir(), 'limg-runtime-bootstrap-'))
    const path = join(this.bootstrapDir, 'bootstrap')
    const quoted = this.runtimeCommand.map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ')
    await writeFile(path, `#!/bin/sh\nexec ${quoted}\n`)
    await chmod(path, 0o755)
    return path
  }

  logs(): string {
    return this.output
  }
}
