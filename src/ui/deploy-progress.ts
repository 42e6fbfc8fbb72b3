import type {DeployEvent} from '../deploy/events.js'
import {PushProgressView} from './push-progress.js'

/**
 * Shows deploy events: a line per step, the push's own view for the push, and one line per
 * state the function is seen in while limg waits (a poll that finds nothing new prints nothing).
 */
export class DeployProgressView {
  private readonly push: PushProgressView

  constructor(
    private readonly out: NodeJS.WritableStream,
    interactive: boolean,
  ) {
    this.push = new PushProgressView(out, interactive)
  }

  handle(event: DeployEvent): void {
    switch (event.type) {
      case 'push':
        this.push.handle(event.event)
        return
      case 'phase':
        this.push.settle()
        this.out.write(`${event.message}\n`)
        return
      case 'waiting': {
        const status = [event.state && `State ${event.state}`, event.lastUpdateStatus && `LastUpdateStatus ${event.lastUpdateStatus}`].filter(Boolean).join(', ')
        this.out.write(`  waiting for ${event.functionName} to ${event.what}: ${status || 'no state yet'}${event.reason ? ` (${event.reason})` : ''}\n`)
        return
      }
      case 'carried':
        this.out.write(`Deploying the ${event.arch} image, as the last limg build made (--arch to choose).\n`)
        return
      case 'retry':
        this.out.write(
          event.delayMs > 0
            ? `  retrying to ${event.what} in ${Math.round(event.delayMs / 100) / 10}s (attempt ${event.attempt}): ${event.reason}\n`
            : `  Lambda is busy with another update; waiting to ${event.what} (attempt ${event.attempt})\n`,
        )
    }
  }

  settle(): void {
    this.push.settle()
  }
}
