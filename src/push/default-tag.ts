import type {Architecture} from '../catalog/runtimes.js'

/**
 * The tag an image gets when none is named: its architecture and the first 12 hex digits of
 * its image id (the config digest). The same image always gets the same tag, so pushing it
 * again finds it already there, and an immutable repository never sees a collision.
 */
export function contentTag(arch: Architecture, imageId: string): string {
  const hex = imageId.replace(/^sha256:/, '')
  return `${arch}-${hex.slice(0, 12)}`
}

const TAG_RULE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

export function isValidTag(tag: string): boolean {
  return TAG_RULE.test(tag)
}
