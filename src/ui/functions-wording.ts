import type {AnyBuildResult} from '../app/build.js'
import type {BuildProgressEvent} from '../build/events.js'
import type {DeployEvent} from '../deploy/events.js'
import type {DeployResult} from '../deploy/deploy.js'
import type {PushEvent} from '../push/events.js'
import type {PushResult} from '../push/push-to-ecr.js'
import type {FunctionsWording} from './functions-progress.js'

export const BUILD_WORDING: FunctionsWording<BuildProgressEvent, AnyBuildResult> = {
  doing: 'building',
  status(event) {
    if (event.type === 'engine' && event.event.type === 'step') return `Step ${event.event.index}/${event.event.total} ${event.event.instruction}`
    if (event.type === 'base-pull') return `pulling ${event.image}`
    if (event.type === 'waiting') return `waiting for another limg build of ${event.tag}`
    if (event.type === 'checking') return 'checking the image'
    if (event.type === 'direct-step') return event.message
    return undefined
  },
  summary(result) {
    const size = `${(result.sizeBytes / 1024 ** 2).toFixed(1)} MB`
    if (result.builder === 'direct') return `built ${result.push?.digestUri ?? result.image} (${result.architecture}, ${size}) without an engine`
    return `built ${result.image} (${result.architecture}, ${size}): ${result.steps} steps, ${result.cachedSteps} from cache`
  },
}

export const PUSH_WORDING: FunctionsWording<PushEvent, PushResult> = {
  doing: 'pushing',
  status: (event) => (event.type === 'phase' ? event.message : undefined),
  summary: (result) => `${result.alreadyPushed ? 'already in ECR' : `pushed (${result.layers.pushed} layers uploaded)`}: ${result.digestUri}`,
}

export const DEPLOY_WORDING: FunctionsWording<DeployEvent, DeployResult> = {
  doing: 'deploying',
  status: (event) => (event.type === 'phase' ? event.message : event.type === 'push' && event.event.type === 'phase' ? event.event.message : undefined),
  summary: (result) => `${result.created ? 'created' : result.codeUpdated || result.configurationChanged.length > 0 ? 'updated' : 'unchanged'} ${result.functionArn}`,
}
