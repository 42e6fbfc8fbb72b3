// The detached front door's process: started by `limg run --detach --http`, it serves until
// its container stops or it is sent SIGTERM (`limg stop`), then removes its record and exits.
import {mkdir, unlink, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import {openDocker} from '../docker/client.js'
import {LimgError} from '../errors/index.js'
import {type FrontDoorMessage, type FrontDoorSpec, defaultRecordDir, recordFile} from './detached.js'
import {poolInvoker} from './invoker.js'
import {openFrontDoor} from './server.js'

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as FrontDoorSpec
  const file = recordFile(spec.container, spec.recordDir ?? defaultRecordDir())
  const tell = (message: FrontDoorMessage): Promise<void> =>
    new Promise((resolve) => {
      if (!process.connected || !process.send) return resolve()
      process.send(message, () => resolve())
    })
  try {
    const docker = await openDocker()
    const door = await openFrontDoor({format: spec.format, port: spec.httpPort, invoke: poolInvoker(() => spec.instances)})
    let ending = false
    const end = async (): Promise<void> => {
      if (ending) return
      ending = true
      await unlink(file).catch(() => undefined)
      await door.close()
      process.exit(0)
    }
    process.on('SIGTERM', () => void end())
    process.on('SIGINT', () => void end())
    process.on('SIGHUP', () => undefined)
    await mkdir(dirname(file), {recursive: true})
    await writeFile(file, JSON.stringify({pid: process.pid, port: door.port}))
    // The first container's log ends when it stops (limg stop, the engine): the front door goes with it.
    const reader = await docker.containers.logs(spec.container, {follow: true, tail: 0}, () => undefined)
    void reader.done.then(end, end)
    await tell({ready: true, port: door.port})
  } catch (error) {
    const limg = error instanceof LimgError ? error : undefined
    await tell({ready: false, message: (error as Error).message, ...(limg?.suggestion ? {suggestion: limg.suggestion} : {}), exitCode: limg?.exitCode ?? 1})
    process.exit(1)
  }
}

void main()
