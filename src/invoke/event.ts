import {readFile, stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {InvalidEventError, InvalidInputError} from '../errors/index.js'
import {fsReason} from '../util/fs-errors.js'

/**
 * Lambda's limit on a synchronous invocation's request: 6 MB, 6,291,456 bytes. AWS's emulator
 * cuts bodies at 6,291,556 bytes and sends the function the truncated rest; Lambda refuses
 * the request, so limg does.
 */
export const MAX_SYNC_REQUEST_BYTES = 6 * 1024 * 1024

/**
 * The event as Lambda's Invoke API would take it, checked before anything is sent: over the
 * limit is `RequestEntityTooLargeException`, anything but JSON `InvalidRequestContentException`
 * (the emulator would pass it on, and the runtime client fail to parse it, which looks like
 * the function's error). An empty event becomes `{}`, which Lambda gives a function invoked
 * without a payload.
 *
 * @param source where the event came from, for messages: a path, or "stdin"
 * @throws InvalidEventError (exit 2) with Lambda's exception name as its code
 */
export function checkEvent(event: Buffer, source: string): Buffer {
  if (event.length > MAX_SYNC_REQUEST_BYTES) {
    throw new InvalidEventError(
      'RequestEntityTooLargeException',
      `Request must be smaller than ${MAX_SYNC_REQUEST_BYTES} bytes for the InvokeFunction operation; the event from ${source} is ${event.length} bytes.`,
      'Lambda refuses a synchronous invocation over 6 MB: send a smaller event, or pass a reference (an S3 key) instead of the data.',
    )
  }
  const text = event.toString('utf8')
  if (text.trim() === '') return Buffer.from('{}')
  try {
    JSON.parse(text)
  } catch (error) {
    throw new InvalidEventError(
      'InvalidRequestContentException',
      `Could not parse request body into json: ${(error as Error).message} (the event from ${source}).`,
      'An event is one JSON value, such as {"key": "value"}; fix it and invoke again.',
      {cause: error},
    )
  }
  return event
}

/** The event as sent: a file relative to the project, or `-` for stdin. */
export async function readEvent(source: string, dir: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  if (source === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
    return Buffer.concat(chunks)
  }
  const file = resolve(dir, source)
  try {
    return await readFile(file)
  } catch (error) {
    const reason = fsReason(error)
    if (!reason) throw error
    throw new InvalidInputError(`Cannot read the event ${file}: ${reason}.`, 'Pass an event file with --event FILE, or --event - to read it from stdin.', {cause: error})
  }
}

/** Where projects keep their test event: limg's events/event.json, or event.json at the root as AWS's samples do. */
const DEFAULT_EVENT_FILES = ['events/event.json', 'event.json']

export async function defaultEventFile(dir: string): Promise<string | undefined> {
  for (const file of DEFAULT_EVENT_FILES) {
    if ((await stat(join(dir, file)).catch(() => undefined))?.isFile()) return file
  }
  return undefined
}
