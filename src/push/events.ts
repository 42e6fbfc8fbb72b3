import type {LayerEvent} from '../docker/push-stream.js'

export type PushPhase = 'image' | 'authenticate' | 'repository' | 'push' | 'verify'

/** What a push reports while it runs; the UI decides how to show it. */
export type PushEvent =
  | {type: 'phase'; phase: PushPhase; message: string}
  | LayerEvent
  | {type: 'retry'; what: string; attempt: number; delayMs: number; reason: string}
