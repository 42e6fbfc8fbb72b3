/**
 * Docker's predefined proxy build arguments: the engine accepts them without an `ARG` in
 * the Dockerfile and keeps them out of the image history and the cache key, so passing
 * the user's proxy settings costs nothing when they are unset and leaks nothing when set.
 */
export const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'FTP_PROXY', 'ftp_proxy', 'ALL_PROXY', 'all_proxy'] as const

export function proxyBuildArgs(env: NodeJS.ProcessEnv): Record<string, string> {
  const args: Record<string, string> = {}
  for (const name of PROXY_VARIABLES) {
    const value = env[name]
    if (value !== undefined && value !== '') args[name] = value
  }
  return args
}
