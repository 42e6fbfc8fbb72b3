import type {BuildEvent} from '../engine/build-stream.js'
import type {PullProgress} from '../engine/engine.js'

/** What `limg build` reports while it works; src/ui renders these. */
export type BuildProgressEvent =
  | {type: 'context'; dockerfile: 'template' | 'project'; baseImage: string; platform: string; tags: string[]}
  | {type: 'base-pull'; image: string; progress: PullProgress}
  | {type: 'engine'; event: BuildEvent}
  | {type: 'context-sent'; files: number; bytes: number}
  | {type: 'checking'; image: string}
