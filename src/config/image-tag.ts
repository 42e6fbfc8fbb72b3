/**
 * `<name>:<arch>`, lower-cased as image names must be: the tag `limg build` gives a project's
 * image, and the image `limg run` and `limg push` take by default. x86_64 and arm64 builds
 * of one project get different tags, so neither replaces the other.
 */
export function projectImageTag(name: string, arch: string): string {
  return `${name.toLowerCase()}:${arch}`
}
