import {InvalidInputError} from '../errors/index.js'

/** An image reference taken apart the way the Docker CLI reads one. */
export interface ImageReference {
  /** `host[:port]` as written; `docker.io` when the reference names none. */
  registry: string
  /** The repository path inside the registry, `library/` added for Docker Hub's official images. */
  repository: string
  /** A tag or a digest (`sha256:…`); `latest` when the reference has neither. */
  reference: string
}

const DOCKER_HUB = 'docker.io'
/** Docker Hub's API lives on another host than the name users write. */
const DOCKER_HUB_API = 'registry-1.docker.io'

/**
 * `public.ecr.aws/lambda/nodejs:20-x86_64`, `127.0.0.1:5000/base@sha256:…`, `node:20`: the
 * first component is a registry only when it has a dot or a port, or is `localhost`, as
 * Docker decides.
 */
export function parseReference(ref: string): ImageReference {
  const text = ref.trim()
  if (text === '' || /\s/.test(text)) throw new InvalidInputError(`Invalid image reference "${ref}".`, 'Pass a reference such as public.ecr.aws/lambda/nodejs:20-x86_64.')
  let name = text
  let reference = 'latest'
  const at = name.indexOf('@')
  if (at >= 0) {
    reference = name.slice(at + 1)
    name = name.slice(0, at)
    // A tag before a digest (`repo:tag@sha256:…`) is ignored, as Docker does.
    const tagColon = name.lastIndexOf(':')
    if (tagColon > name.lastIndexOf('/')) name = name.slice(0, tagColon)
  } else {
    const colon = name.lastIndexOf(':')
    if (colon > name.lastIndexOf('/')) {
      reference = name.slice(colon + 1)
      name = name.slice(0, colon)
    }
  }
  const slash = name.indexOf('/')
  const first = slash < 0 ? '' : name.slice(0, slash)
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost')
  const registry = hasRegistry ? first : DOCKER_HUB
  let repository = hasRegistry ? name.slice(slash + 1) : name
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`
  if (!/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/.test(repository) || reference === '') {
    throw new InvalidInputError(`Invalid image reference "${ref}".`, 'Pass a reference such as public.ecr.aws/lambda/nodejs:20-x86_64.')
  }
  return {registry, repository, reference}
}

/** The host the registry's HTTP API answers on. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB || registry === 'index.docker.io' ? DOCKER_HUB_API : registry
}
