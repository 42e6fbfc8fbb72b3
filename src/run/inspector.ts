import {LOOPBACK} from './emulator.js'

/** Where the Node inspector listens in the container; limg publishes it on the loopback only. */
export const INSPECTOR_PORT = '9229/tcp'
const INSPECTOR_ADDRESS = '0.0.0.0:9229'
/** The function timeout while a debugger may hold a breakpoint: Lambda's longest. */
export const DEBUG_TIMEOUT_SECONDS = 900

export interface InspectRequest {
  /** 0 picks a free one. */
  port: number
  /** Stop before the runtime's first line until a debugger attaches (`--inspect-brk`). */
  brk: boolean
}

/** What a debugger needs to attach, and how to map the container's files to the project's. */
export interface Inspector {
  port: number
  brk: boolean
  /** Where a debugger lists the targets (Chrome DevTools' "Configure…", VS Code's attach). */
  listUrl: string
  /** The function's files in the container, and the project folder they come from. */
  remoteRoot: '/var/task'
  localRoot: string
}

/**
 * The runtime's Node gets the inspector through NODE_OPTIONS, after any the function sets
 * itself, as AWS SAM debugs image functions; the timeout is lifted so that a paused breakpoint
 * is not a timed-out invocation. limg's emulator (also Node) passes NODE_OPTIONS on to the
 * runtime without taking them itself; AWS's emulator is not Node.
 */
export function inspectorEnvironment(environment: Record<string, string>, brk: boolean): Record<string, string> {
  const flag = `${brk ? '--inspect-brk' : '--inspect'}=${INSPECTOR_ADDRESS}`
  return {
    NODE_OPTIONS: [environment.NODE_OPTIONS?.trim(), flag].filter(Boolean).join(' '),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(DEBUG_TIMEOUT_SECONDS),
  }
}

export function inspectorInfo(port: number, brk: boolean, projectDir: string, host = LOOPBACK): Inspector {
  return {port, brk, listUrl: `http://${host}:${port}/json/list`, remoteRoot: '/var/task', localRoot: projectDir}
}
