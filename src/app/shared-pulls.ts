import type {DockerClient} from '../docker/client.js'
import type {ImageClient} from '../docker/images.js'
import type {AppContext} from './context.js'

/**
 * The context the functions share: one engine connection, and one pull of each base image
 * however many functions start from it at the same moment.
 */
export function sharedContext(context: AppContext): AppContext {
  let docker: Promise<DockerClient> | undefined
  return {
    ...context,
    docker: () => (docker ??= context.docker().then(withSharedPulls)),
  }
}

function withSharedPulls(docker: DockerClient): DockerClient {
  const pulls = new Map<string, Promise<void>>()
  const images: ImageClient = new Proxy(docker.images, {
    get(target, property, receiver) {
      if (property !== 'pull') {
        const value: unknown = Reflect.get(target, property, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      }
      const pull: ImageClient['pull'] = (ref, platform, onProgress, signal) => {
        const key = `${ref}\n${platform}`
        let running = pulls.get(key)
        if (!running) {
          running = target.pull(ref, platform, onProgress, signal).finally(() => pulls.delete(key))
          pulls.set(key, running)
        }
        return running
      }
      return pull
    },
  })
  return {target: docker.target, images, containers: docker.containers, ping: (signal) => docker.ping(signal)}
}
