import type {ContainerClient} from '../docker/containers.js'
import {stopDetachedFrontDoor} from '../front/detached.js'
import {projectLabels} from './labels.js'

/** Stops and removes every container limg started for the project, running or not. */
export async function stopProject(engine: ContainerClient, dir: string): Promise<{stopped: string[]}> {
  const rows = await engine.list(projectLabels(dir))
  // A detached front door ends with its container anyway; ending it first frees its port now.
  await Promise.all(rows.map((row) => stopDetachedFrontDoor(row.id)))
  await Promise.all(rows.map((row) => engine.stopAndRemove(row.id)))
  return {stopped: rows.map((row) => row.id)}
}
