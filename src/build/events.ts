import type {BuildEvent} from '../docker/build-stream.js'
import type {PullProgress} from '../docker/images.js'

/** What `limg build` reports while it works; src/ui renders these. */
export type BuildProgressEvent =
  | {
      type: 'context'
      dockerfile: 'template' | 'project'
      baseImage: string
      platform: string
      tags: string[]
      /** How dependencies install, e.g. `pnpm 9.15.9 (pnpm-lock.yaml)`. */
      install?: string
      /** A project Dockerfile's FROM references replaced in the stream. */
      replacedBases: Array<{from: string; to: string}>
    }
  | {type: 'base-pull'; image: string; progress: PullProgress}
  | {type: 'engine'; event: BuildEvent}
  | {type: 'context-sent'; files: number; bytes: number}
  /** Another limg build of the same tag holds it; this one waits. */
  | {type: 'waiting'; tag: string; pid?: number}
  /** What the secret deny list kept out, what .dockerignore put back, and the registry settings only the install saw. */
  | {type: 'secrets'; keptOut: string[]; reincluded: string[]; installConfig: string[]}
  | {type: 'checking'; image: string}
  /** A step of the direct builder (no engine): base image read, dependencies installed, a layer written, pushed. */
  | {type: 'direct-step'; message: string; cached?: boolean}
