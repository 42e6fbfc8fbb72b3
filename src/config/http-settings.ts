import {InvalidInputError} from '../errors/index.js'
import {PAYLOAD_FORMATS, type PayloadFormat} from '../front/http-event.js'

/** limg.json "http": how `limg run --http` shapes requests into events. */
export interface HttpSettings {
  /** 2.0: a function URL or HTTP API; 1.0: a REST API's proxy integration. */
  format: PayloadFormat
}

export const HTTP_KEYS = {format: true} as const satisfies Record<keyof HttpSettings, true>
export const HTTP_CONFIG_KEYS = Object.keys(HTTP_KEYS) as (keyof HttpSettings)[]

export function validatePayloadFormat(value: unknown, where: string): PayloadFormat {
  const text = typeof value === 'number' ? value.toFixed(1) : value
  if (typeof text !== 'string' || !(PAYLOAD_FORMATS as readonly string[]).includes(text)) {
    throw new InvalidInputError(`${where} "${String(value)}" is not a payload format.`, 'Use "2.0" (a function URL or HTTP API) or "1.0" (a REST API proxy).')
  }
  return text as PayloadFormat
}

export function validateHttpSettings(raw: unknown, source: string): HttpSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidInputError(`${source}: "http" must be an object, such as {"format": "1.0"}.`)
  const r = raw as Record<string, unknown>
  return {format: r.format === undefined ? '2.0' : validatePayloadFormat(r.format, `${source}: "http.format"`)}
}
