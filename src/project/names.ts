/**
 * A Lambda function name made from a folder name: characters Lambda refuses become "-",
 * runs of "-" collapse, and the result is cut to Lambda's 64 characters.
 */
export function functionNameFrom(folderName: string): string {
  const cleaned = folderName
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 64)
    .replace(/[-_]+$/, '')
  return cleaned === '' ? 'function' : cleaned
}

/** An npm package name for a function name: npm wants lower case. */
export function packageNameFor(functionName: string): string {
  return functionName.toLowerCase().replace(/^[-_.]+/, '') || 'function'
}
