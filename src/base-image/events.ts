import type {BuildEvent} from '../docker/build-stream.js'

/** What `buildBaseImage` reports while it works; the command decides how to show it. */
export type BaseBuildEvent =
  | {type: 'download'; item: string; status: 'cached' | 'fetching' | 'done'; durationMs?: number}
  | {type: 'up-to-date'; image: string}
  | {type: 'assemble'; image: string}
  | {type: 'build'; event: BuildEvent}

export type BaseBuildListener = (event: BaseBuildEvent) => void
