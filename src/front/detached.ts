import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {readFile, unlink} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, extname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {LimgError, LocalRunError} from '../errors/index.js'
import {sleep} from '../util/sleep.js'
import type {PayloadFormat} from './http-event.js'

/** What a detached front door is told: which container to serve, and how. */
export interface FrontDoorSpec {
  container: string
  /** Every warm instance: its container and the emulator's host port (the first is `container`'s). */
  instances: Array<{container: string; host?: string; port: number}>
  /** 0 picks a free one. */
  httpPort: number
  format: PayloadFormat
  /** Where it leaves its record (pid and port) for `limg stop`; the OS temp folder by default. */
  recordDir?: string
}

/** What a detached front door tells the process that started it, once, over IPC. */
export type FrontDoorMessage = {ready: true; port: number} | {ready: false; message: string; suggestion?: string; exitCode: number}

export interface FrontDoorRecord {
  pid: number
  port: number
}

export function defaultRecordDir(): string {
  return join(tmpdir(), 'limg-front-doors')
}

export function recordFile(container: string, dir = defaultRecordDir()): string {
  return join(dir, `${container.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`)
}

/**
 * Starts the front door of a detached function as a process of its own, outside limg's, and
 * returns once it listens. It lives as long as the container: it ends when the container
 * stops (it follows the container's log), and `limg stop` ends it through its record.
 */
export async function startDetachedFrontDoor(spec: FrontDoorSpec, env: NodeJS.ProcessEnv = process.env): Promise<{port: number; pid: number}> {
  const child = spawn(process.execPath, [...process.execArgv, daemonEntry(), JSON.stringify(spec)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env,
  })
  const message = await new Promise<FrontDoorMessage>((resolve, reject) => {
    child.once('message', (m) => resolve(m as FrontDoorMessage))
    child.once('error', reject)
    child.once('exit', (code, signal) => reject(new LocalRunError(`The HTTP front door exited (${signal ?? `code ${code}`}) before it listened.`, 'Run `limg run --http` in the foreground to see why.')))
  })
  child.removeAllListeners()
  child.disconnect()
  child.unref()
  if (!message.ready) {
    child.kill()
    throw new LimgError(message.message, message.suggestion, 'LOCAL_RUN_FAILED', message.exitCode)
  }
  return {port: message.port, pid: child.pid ?? 0}
}

/**
 * The front door's own entry: `dist/front/daemon.js` in the package (the build bundles it as an
 * entry of its own, wherever this code lands), or `daemon.ts` beside this file under a
 * TypeScript loader (the tests), which process.execArgv passes on.
 */
function daemonEntry(): string {
  const here = fileURLToPath(import.meta.url)
  if (extname(here) === '.ts') return join(dirname(here), 'daemon.ts')
  let dir = dirname(here)
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return join(dir, 'dist', 'front', 'daemon.js')
}

/** Ends the detached front door of a container, if it has one; a record whose process is gone is removed. */
export async function stopDetachedFrontDoor(container: string, dir = defaultRecordDir()): Promise<boolean> {
  const file = recordFile(container, dir)
  let record: FrontDoorRecord
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as FrontDoorRecord
  } catch {
    return false
  }
  const stopped = (await isFrontDoorOf(record.pid, container)) && signal(record.pid, 'SIGTERM')
  // Waited for, so its port is free once `limg stop` returns.
  for (let waited = 0; stopped && signal(record.pid, 0) && waited < 3000; waited += 20) await sleep(20)
  await unlink(file).catch(() => undefined)
  return stopped
}

function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch {
    return false
  }
}

/**
 * A record outlives a front door killed with -9 or a reboot, and its pid may be another
 * process's by now: where /proc tells, only a process started for this container is signalled.
 */
async function isFrontDoorOf(pid: number, container: string): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes(container)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self')
  }
}
