import type {RunProgressEvent} from '../app/run.js'
import type {BuildSettings} from '../build/last-build.js'
import type {Inspector} from '../run/inspector.js'

export interface RunOutput {
  /** A line for humans (stderr; nothing with --json). */
  note(line: string): void
  /** A line the user must not miss, also carried in --json. */
  warn(line: string): void
  /** One line of the function's own log, on the stream it wrote it to. */
  log(stream: 'stdout' | 'stderr', text: string): void
}

/** Renders `limg run`'s events as plain lines: what it builds, starts and restarts, and the function's log. */
export function renderRunEvent(out: RunOutput, event: RunProgressEvent): void {
  switch (event.type) {
    case 'carried':
      out.note(`Building as the last limg build did: ${describeSettings(event.settings)}`)
      break
    case 'build':
      out.note(event.reason === 'missing' ? 'No image yet: building it.' : 'The project changed since the last build: building.')
      break
    case 'emulator-image':
      out.note(`The image has no emulator: added one (${event.image}).`)
      break
    case 'starting':
      out.note(`Starting on port ${event.port}…`)
      break
    case 'ready':
      out.note(`Ready in ${(event.durationMs / 1000).toFixed(1)} s`)
      break
    case 'serving':
      out.note(`Ready: ${event.running.endpoint}`)
      if (event.running.http) out.note(`HTTP front door (payload ${event.running.http.format}): ${event.running.http.url}`)
      if (event.running.inspector) out.note(inspectorNote(event.running.inspector))
      if (event.running.instances) out.note(`${event.running.instances.length} warm instances: ${event.running.instances.map((i) => i.endpoint).join(', ')}`)
      out.note('(Ctrl-C stops and removes the container)')
      break
    case 'http-request':
      out.note(`${event.request.method} ${event.request.url} -> ${event.request.statusCode} (${event.request.durationMs} ms${event.request.outcome === 'success' ? '' : `, ${event.request.outcome}`})`)
      break
    case 'log':
      out.log(event.line.stream, event.line.text)
      break
    case 'change':
      out.note(`Changed: ${event.files.slice(0, 3).join(', ')}${event.files.length > 3 ? ` and ${event.files.length - 3} more` : ''}; rebuilding…`)
      break
    case 'restarted':
      out.note(`Restarted in ${(event.durationMs / 1000).toFixed(1)} s: ${event.endpoint}`)
      break
    case 'rebuild-failed':
      out.warn(`Rebuild failed, still serving the previous version: ${event.message}`)
      break
  }
}

/** Where to attach a debugger, and the mapping it needs. */
export function inspectorNote(inspector: Inspector): string {
  const wait = inspector.brk ? ' (the first invocation waits for it at the runtime\'s first line)' : ''
  return `Inspector: 127.0.0.1:${inspector.port}${wait}, once the first invocation has started the runtime; map ${inspector.remoteRoot} to ${inspector.localRoot}`
}

function describeSettings(settings: BuildSettings): string {
  const flags: Record<keyof BuildSettings, string> = {arch: '--arch', baseImage: '--base-image', dockerfile: '--dockerfile', caCert: '--ca-cert', builder: '--builder'}
  return Object.entries(settings).map(([key, value]) => `${flags[key as keyof BuildSettings]} ${value}`).join(' ')
}
