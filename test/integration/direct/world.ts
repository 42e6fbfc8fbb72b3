import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {splitTag} from '../../../src/build/build.js'
import type {DockerClient} from '../../../src/docker/client.js'
import type {TestRegistry} from '../../support/registry.js'

/**
 * Puts a local image (an offline base image) into the test registry through the engine's own
 * push, so the direct builder reads a base image that no limg code wrote, and takes the
 * registry name off the local image again.
 */
export async function pushToRegistry(engine: DockerClient, registry: TestRegistry, local: string, remote: string): Promise<string> {
  const [repo, tag] = splitTag(`${registry.host}/${remote}`)
  await engine.images.tag(local, repo, tag)
  try {
    await engine.images.push(repo, tag, {username: 'AWS', password: registry.password, serverAddress: registry.endpoint})
  } finally {
    await engine.images.untag(`${repo}:${tag}`)
  }
  return `${repo}:${tag}`
}

/** A `docker login` for the registry, as the Docker CLI stores it in `<home>/.docker/config.json`. */
export async function writeDockerLogin(home: string, registry: TestRegistry): Promise<void> {
  await mkdir(join(home, '.docker'), {recursive: true})
  const auth = Buffer.from(`AWS:${registry.password}`).toString('base64')
  await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({auths: {[registry.host]: {auth}}}))
}
