import Dockerode, {type DockerOptions} from 'dockerode'
import {connectionFromEnv} from '../../src/docker/connection.js'
import type {EngineTransport} from '../../src/docker/engine-http.js'

/**
 * The engine's API straight through dockerode, for what a test must do that limg's client
 * does not offer (list every image with a label, exec in a build step's container, follow a
 * container's raw log), at the engine DOCKER_HOST names as limg reads it; limg itself reaches
 * the engine only through src/docker.
 */
export function rawDocker(env: NodeJS.ProcessEnv = process.env): Dockerode {
  return new Dockerode(dockerodeOptions(connectionFromEnv(env).transport))
}

function dockerodeOptions(transport: EngineTransport): DockerOptions {
  if ('socketPath' in transport) return {socketPath: transport.socketPath}
  if ('ssh' in transport) return {protocol: 'ssh', host: transport.ssh.host, port: transport.ssh.port, username: transport.ssh.username, sshOptions: {agent: transport.ssh.agent}}
  if (transport.tls) return {protocol: 'https', host: transport.host, port: transport.port, ...transport.tls}
  return {protocol: 'http', host: transport.host, port: transport.port}
}
