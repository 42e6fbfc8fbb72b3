import {resolve} from 'node:path'
import {stopProject} from '../run/stop.js'
import type {AppContext} from './context.js'
import {refuseRepositoryRoot} from '../repository/repository.js'

/** `limg stop`: every container limg started for the project, stopped and removed. */
export async function stop(context: AppContext, request: {dir: string}): Promise<{stopped: string[]}> {
  // The signal only ends the wait for the engine to answer: once it has, stopping is the cleanup itself.
  const dir = resolve(request.dir)
  await refuseRepositoryRoot(dir, 'stop')
  const docker = await context.docker()
  return stopProject(docker.containers, dir)
}
