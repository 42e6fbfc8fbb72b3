import Dockerode from 'dockerode'
import {connectionFromEnv} from '../../src/docker/connection.js'

/**
 * The engine's API straight through dockerode, for what a test must do that limg's client
 * does not offer (list every image with a label, exec in a build step's container, follow a
 * container's raw log); limg itself reaches the engine only through src/docker.
 */
export function rawDocker(env: NodeJS.ProcessEnv = process.env): Dockerode {
  return new Dockerode(connectionFromEnv(env).options)
}
