import type {PushEvent} from '../push/events.js'

export type DeployPhase = 'image' | 'push' | 'role' | 'create' | 'code' | 'configuration' | 'tags' | 'publish' | 'alias'

/** What a deploy reports while it runs; the UI decides how to show it. */
export type DeployEvent =
  | {type: 'phase'; phase: DeployPhase; message: string}
  | {type: 'push'; event: PushEvent}
  /** A poll of the function found it in a state limg is waiting to see change. */
  | {type: 'waiting'; functionName: string; what: string; state?: string; lastUpdateStatus?: string; reason?: string}
  | {type: 'retry'; what: string; attempt: number; delayMs: number; reason: string}
  /** No --arch: the architecture the last `limg build` made. */
  | {type: 'carried'; arch: string}
