import {CloudWatchLogsClient, FilterLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {type AwsClientOptions, ClientRegion, sdkClientConfig} from '../aws/client-settings.js'
import {type AwsService, asAwsError} from '../aws/errors.js'
import type {EventsPage, LogsApi} from './logs-api.js'
import {throwIfAborted} from '../util/abort.js'

export const LOGS_SERVICE: AwsService = {name: 'Amazon CloudWatch Logs', endpointVariable: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', resource: 'this log group', retry: 'run the command again'}

/** CloudWatch Logs through the AWS SDK; credentials and endpoint (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) from the default chain. */
export class SdkLogsApi implements LogsApi {
  private readonly client: CloudWatchLogsClient
  private readonly clientRegion: ClientRegion

  constructor(options: AwsClientOptions = {}) {
    this.client = new CloudWatchLogsClient(sdkClientConfig(options))
    this.clientRegion = new ClientRegion(() => this.client.config.region(), options)
  }

  region(): Promise<string> {
    return this.clientRegion.get()
  }

  async filterEvents(logGroup: string, options: {startTime: number; nextToken?: string; signal?: AbortSignal}): Promise<EventsPage | undefined> {
    try {
      const out = await this.client.send(
        new FilterLogEventsCommand({logGroupName: logGroup, startTime: options.startTime, ...(options.nextToken ? {nextToken: options.nextToken} : {})}),
        options.signal ? {abortSignal: options.signal} : {},
      )
      return {
        events: (out.events ?? []).map((e) => ({
          eventId: e.eventId ?? `${e.logStreamName}/${e.timestamp}`,
          timestamp: e.timestamp ?? 0,
          message: e.message ?? '',
          logStreamName: e.logStreamName ?? '',
          ...(e.ingestionTime !== undefined ? {ingestionTime: e.ingestionTime} : {}),
        })),
        ...(out.nextToken ? {nextToken: out.nextToken} : {}),
      }
    } catch (error) {
      throwIfAborted(options.signal)
      if ((error as Error).name === 'ResourceNotFoundException') return undefined
      throw asAwsError(error, 'logs:FilterLogEvents', await this.clientRegion.orUndefined(), LOGS_SERVICE)
    }
  }
}
