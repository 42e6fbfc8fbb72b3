/** One event of a log group, as CloudWatch Logs holds it. */
export interface LogEvent {
  eventId: string
  /** When the function wrote it (ms since the epoch). */
  timestamp: number
  message: string
  logStreamName: string
  ingestionTime?: number
}

export interface EventsPage {
  events: LogEvent[]
  nextToken?: string
}

/**
 * The CloudWatch Logs calls limg makes, so a fake can stand in for the SDK in unit tests. A log
 * group that does not exist (a function never invoked has none) is a value, not an exception.
 */
export interface LogsApi {
  /** One page of the group's events from `startTime` on, across its streams; undefined when there is no such group. */
  filterEvents(logGroup: string, options: {startTime: number; nextToken?: string; signal?: AbortSignal}): Promise<EventsPage | undefined>
}
