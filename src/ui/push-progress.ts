import type {LayerEvent} from '../docker/push-stream.js'
import type {PushEvent} from '../push/events.js'

const LABELS: Record<LayerEvent['status'], string> = {
  preparing: 'Preparing',
  waiting: 'Waiting',
  pushing: 'Pushing',
  pushed: 'Pushed',
  exists: 'Layer already exists',
  mounted: 'Mounted',
  retrying: 'Retrying',
}

/**
 * Shows push events: on a terminal, one line per layer redrawn in place; elsewhere (CI, pipes)
 * a plain line per change of state, never per progress tick.
 */
export class PushProgressView {
  private readonly layers = new Map<string, string>()
  private drawn = 0

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly interactive: boolean,
  ) {}

  handle(event: PushEvent): void {
    if (event.type === 'phase') {
      this.settle()
      this.out.write(`${event.message}\n`)
      return
    }
    if (event.type === 'retry') {
      this.settle()
      this.out.write(`Retrying ${event.what} in ${Math.round(event.delayMs / 1000)}s (attempt ${event.attempt}): ${event.reason}\n`)
      return
    }
    const line = `  ${event.id}: ${LABELS[event.status]}${event.status === 'pushing' && event.current !== undefined ? ` ${formatBytes(event.current)}` : ''}${event.detail && event.status === 'retrying' ? ` (${event.detail})` : ''}`
    const previous = this.layers.get(event.id)
    this.layers.set(event.id, line)
    if (this.interactive) {
      this.redraw()
    } else if (previous === undefined || !previous.startsWith(`  ${event.id}: ${LABELS[event.status]}`)) {
      this.out.write(`${line}\n`)
    }
  }

  /** Leaves the layer lines as they are; later output starts below them. */
  settle(): void {
    this.drawn = 0
    this.layers.clear()
  }

  private redraw(): void {
    if (this.drawn > 0) this.out.write(`\u001B[${this.drawn}A`)
    for (const line of this.layers.values()) this.out.write(`\u001B[2K${line}\n`)
    this.drawn = this.layers.size
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(1)} ${units[unit]}`
}
