/** Where the emulator listens in the container, and where limg publishes it: the loopback only. */
export const EMULATOR_PORT = '8080/tcp'
export const LOOPBACK = '127.0.0.1'
/** The emulator's invoke path, as AWS's emulator serves it. */
export const INVOKE_PATH = '/2015-03-31/functions/function/invocations'

export interface EmulatorAddress {
  host: string
  port: number
}

/** The URL a running function answers on. */
export function invokeUrl(port: number, host = LOOPBACK): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}${INVOKE_PATH}`
}
