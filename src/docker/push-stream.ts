import {LineSplitter} from './line-splitter.js'

/** Credentials for one push, handed to the engine in X-Registry-Auth and nowhere else. */
export interface RegistryAuth {
  username: string
  password: string
  /** The registry's address, `https://123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  serverAddress: string
}

/**
 * The X-Registry-Auth header the engine reads the credentials from, for one request: JSON in
 * base64 with the URL-safe alphabet and its padding (Go's base64.URLEncoding). Node's
 * 'base64url' drops the padding, and an engine that cannot decode the header pushes anonymously.
 */
export function registryAuthHeader(auth: RegistryAuth): string {
  const json = JSON.stringify({username: auth.username, password: auth.password, serveraddress: auth.serverAddress})
  return Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
}

export type LayerStatus = 'preparing' | 'waiting' | 'pushing' | 'pushed' | 'exists' | 'mounted' | 'retrying'

/** One layer's progress during a push. `current` is bytes the engine has sent so far. */
export interface LayerEvent {
  type: 'layer'
  id: string
  status: LayerStatus
  current?: number
  total?: number
  /** The engine's own text, e.g. "Retrying in 5 seconds". */
  detail?: string
}

export interface PushStreamResult {
  digest: string
  /** Manifest size in bytes, as the engine reports it. */
  size?: number
  layers: {pushed: number; existing: number}
  bytesUploaded: number
}

/** Why a push failed, as far as the stream says; the orchestrator decides whether to retry. */
export class PushStreamError extends Error {
  constructor(
    message: string,
    readonly kind: 'unauthorized' | 'transient' | 'unreachable' | 'other',
    /**
     * The engine said "Retrying in N seconds" for a layer before it gave up: it already retried
     * that upload five times over about 50 s, so one more push is unlikely to fare better.
     */
    readonly engineRetried = false,
  ) {
    super(message)
    this.name = 'PushStreamError'
  }
}

interface PushMessage {
  status?: string
  id?: string
  progress?: string
  progressDetail?: {current?: number; total?: number}
  aux?: {Tag?: string; Digest?: string; Size?: number}
  error?: string
  errorDetail?: {message?: string}
}

const STATUS_MAP: Record<string, LayerStatus> = {
  Preparing: 'preparing',
  Waiting: 'waiting',
  Pushing: 'pushing',
  Pushed: 'pushed',
  'Layer already exists': 'exists',
}

/** Sorts an engine push failure into what the caller can do about it. */
export function classifyPushError(message: string): PushStreamError['kind'] {
  const m = message.toLowerCase()
  if (/unauthorized|authentication required|no basic auth credentials|denied: your authorization token has expired|401/.test(m)) return 'unauthorized'
  if (/connection refused|no such host|no route to host|server gave http response to https client/.test(m)) return 'unreachable'
  if (/toomanyrequests|too many requests|429|connection reset|econnreset|broken pipe|i\/o timeout|tls handshake timeout|eof|50[0-9] |internal server error|bad gateway|service unavailable|gateway timeout|received unexpected http status: 5\d\d/.test(m)) {
    return 'transient'
  }
  return 'other'
}

/**
 * Follows the engine's push stream. Its end is not success: an `error`/`errorDetail` line is a
 * failure, and so is a stream that never reports the pushed digest.
 */
export class PushStreamParser {
  private readonly lines = new LineSplitter((line) => this.handleLine(line))
  private readonly layers = new Map<string, {status: LayerStatus; sent: number}>()
  private digest: string | undefined
  private size: number | undefined
  private failure: PushStreamError | undefined
  private engineRetried = false

  constructor(private readonly onEvent: (event: LayerEvent) => void = () => {}) {}

  write(chunk: Buffer | string): void {
    this.lines.write(chunk)
  }

  end(): PushStreamResult {
    this.lines.end()
    if (this.failure) throw this.failure
    if (!this.digest) throw new PushStreamError('The engine ended the push without reporting a digest.', 'other')
    let pushed = 0
    let existing = 0
    let bytesUploaded = 0
    for (const layer of this.layers.values()) {
      if (layer.status === 'pushed') {
        pushed += 1
        bytesUploaded += layer.sent
      } else if (layer.status === 'exists' || layer.status === 'mounted') {
        existing += 1
      }
    }
    return {digest: this.digest, ...(this.size === undefined ? {} : {size: this.size}), layers: {pushed, existing}, bytesUploaded}
  }

  private handleLine(line: string): void {
    let message: PushMessage
    try {
      message = JSON.parse(line) as PushMessage
    } catch {
      return
    }
    if (message.error || message.errorDetail) {
      const text = message.errorDetail?.message ?? message.error ?? 'unknown error'
      this.failure ??= new PushStreamError(text, classifyPushError(text), this.engineRetried)
      return
    }
    if (message.aux?.Digest) {
      this.digest = message.aux.Digest
      if (typeof message.aux.Size === 'number') this.size = message.aux.Size
      return
    }
    // Podman reports the digest only in this line, which Docker prints too beside its aux.
    const summary = message.status === undefined ? undefined : PUSH_SUMMARY.exec(message.status)
    if (summary) {
      this.digest ??= summary[1]
      this.size ??= Number(summary[2])
      return
    }
    if (!message.id || !message.status) return
    const status = layerStatus(message.status)
    if (!status) return
    if (status === 'retrying') this.engineRetried = true
    const layer = this.layers.get(message.id) ?? {status, sent: 0}
    layer.status = status
    const current = message.progressDetail?.current
    if (status === 'pushing' && typeof current === 'number') layer.sent = Math.max(layer.sent, current)
    this.layers.set(message.id, layer)
    this.onEvent({
      type: 'layer',
      id: message.id,
      status,
      ...(typeof current === 'number' ? {current} : {}),
      ...(typeof message.progressDetail?.total === 'number' ? {total: message.progressDetail.total} : {}),
      ...(status === 'retrying' || status === 'mounted' ? {detail: message.status} : {}),
    })
  }
}

/** `x86_64-0a1b2c3d4e5f: digest: sha256:… size: 1527`, the push's last status line. */
const PUSH_SUMMARY = /: digest: (sha256:[0-9a-f]{64}) size: (\d+)$/

function layerStatus(status: string): LayerStatus | undefined {
  if (STATUS_MAP[status]) return STATUS_MAP[status]
  if (status.startsWith('Mounted from')) return 'mounted'
  if (status.startsWith('Retrying in')) return 'retrying'
  return undefined
}
