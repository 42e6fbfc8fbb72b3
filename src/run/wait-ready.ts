import {request} from 'node:http'
import type {ContainerClient} from '../docker/containers.js'
import {LocalRunError} from '../errors/index.js'
import {throwIfAborted} from '../util/abort.js'
import type {EmulatorAddress} from './emulator.js'

export interface ReadyOptions {
  /** The container behind the port, checked to still run while waiting. */
  container?: string
  timeoutMs: number
  signal?: AbortSignal
}

/** Waits until the emulator answers HTTP on `target`, or fails with what the container said. */
export async function waitUntilReady(engine: ContainerClient, target: EmulatorAddress, options: ReadyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  let pause = 10
  for (;;) {
    throwIfAborted(options.signal)
    if (await probe(target)) return
    if (options.container) {
      const info = await engine.inspect(options.container)
      if (!info?.running) {
        throw new LocalRunError(
          `The function's container ${options.container.slice(0, 12)} ${info ? `exited with code ${info.exitCode}` : 'is gone'} before its emulator answered.`,
          info ? `See its output with \`limg logs\` or \`docker logs ${options.container.slice(0, 12)}\`.` : 'Start it again with `limg run`.',
        )
      }
    }
    if (Date.now() > deadline) {
      throw new LocalRunError(
        `The emulator at http://${target.host}:${target.port} did not answer within ${Math.round(options.timeoutMs / 1000)} s.`,
        'Check the container with `limg logs`; under arm64 emulation the first start can be slow.',
      )
    }
    await new Promise((resolve) => setTimeout(resolve, pause))
    pause = Math.min(pause * 2, 200)
  }
}

/**
 * Any HTTP answer from the emulator's port means it is listening. A bare TCP connect proves
 * nothing: Docker's port proxy accepts connections before the container listens.
 */
export function probe(target: EmulatorAddress, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({host: target.host, port: target.port, path: '/', method: 'GET', agent: false, timeout: timeoutMs}, (res) => {
      res.resume()
      res.on('end', () => resolve(true))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve(false))
    req.end()
  })
}
