import type {BaseBuildEvent} from '../base-image/events.js'

/** Renders `limg base build`'s events as plain lines: each download, then the build's steps. */
export function renderBaseBuildEvent(note: (line: string) => void, event: BaseBuildEvent): void {
  switch (event.type) {
    case 'download':
      if (event.status !== 'fetching') note(`download  ${event.item}: ${event.status === 'cached' ? 'cached' : `fetched in ${seconds(event.durationMs)}`}`)
      else note(`download  ${event.item}...`)
      break
    case 'up-to-date':
      note(`${event.image} already holds these inputs; nothing to build (--force rebuilds).`)
      break
    case 'assemble':
      note(`assemble  build context for ${event.image}`)
      break
    case 'build':
      if (event.event.type === 'step') note(`build     step ${event.event.index}/${event.event.total}: ${event.event.instruction}`)
      else if (event.event.type === 'output') note(`          ${event.event.line}`)
      break
  }
}

function seconds(ms: number | undefined): string {
  return `${((ms ?? 0) / 1000).toFixed(1)} s`
}
