import {createHmac} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

/** What an ssh:// engine's host key was checked against, and how that went. */
export interface HostKeyCheck {
  /** For ssh2's `hostVerifier`: true to go on with the handshake. */
  verify(key: Buffer): boolean
  /** Why the last key was refused, for the error the connection then fails with. */
  refusal(): string | undefined
}

/**
 * Checks an SSH engine host's key against known_hosts as OpenSSH does with
 * StrictHostKeyChecking (the Docker CLI's ssh:// connections run OpenSSH): the user's
 * ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts, plain and hashed names, `[host]:port`
 * for other ports, `@revoked` keys refused. A host not listed is refused too: limg never
 * records a key it has not seen checked.
 */
export function knownHostsCheck(host: string, port: number, files: string[] = [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts']): HostKeyCheck {
  let refused: string | undefined
  const name = port === 22 ? host : `[${host}]:${port}`
  return {
    verify(key) {
      const offered = key.toString('base64')
      const entries = files.flatMap((file) => readEntries(file)).filter((entry) => applies(entry.hosts, name))
      if (entries.some((entry) => entry.marker === '@revoked' && entry.key === offered)) {
        refused = `its host key is marked @revoked in known_hosts`
        return false
      }
      const known = entries.filter((entry) => entry.marker === undefined)
      if (known.some((entry) => entry.key === offered)) return true
      refused = known.length > 0 ? 'its host key is not the one known_hosts holds for it (REMOTE HOST IDENTIFICATION HAS CHANGED, or another machine answers there)' : `it is not in ${files.join(' or ')}`
      return false
    },
    refusal: () => refused,
  }
}

interface Entry {
  marker?: string
  hosts: string[]
  key: string
}

function readEntries(file: string): Entry[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  const entries: Entry[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined
    const [hosts, , key] = fields
    if (!hosts || !key) continue
    // Certificate authorities sign host keys; limg does not check certificates, so they vouch for nothing here.
    if (marker === '@cert-authority') continue
    entries.push({...(marker ? {marker} : {}), hosts: hosts.split(','), key})
  }
  return entries
}

/** A host list names `name` when one of its patterns does and none of its `!` patterns does. */
function applies(patterns: string[], name: string): boolean {
  if (patterns.some((p) => p.startsWith('!') && matches(p.slice(1), name))) return false
  return patterns.some((p) => !p.startsWith('!') && matches(p, name))
}

function matches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [salt, hash] = pattern.slice(3).split('|')
    if (!salt || !hash) return false
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash
  }
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i')
  return re.test(name)
}
