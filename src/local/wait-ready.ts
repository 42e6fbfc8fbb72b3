import type {ContainerEngine} from '../engine/containers.js'
import {InterruptedError, LocalRunError} from '../errors/index.js'
import {type HttpTarget, probe} from './invoke-http.js'

export interface ReadyOptions {
  /** The container behind the port, checked to still run while waiting. */
  container?: string
  timeoutMs: number
  signal?: AbortSignal
}

/** Waits until the emulator answers HTTP on `target`, or fails with what the container said. */
export async function waitUntilReady(engine: ContainerEngine, target: HttpTarget, options: ReadyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  let pause = 10
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new InterruptedError()
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
