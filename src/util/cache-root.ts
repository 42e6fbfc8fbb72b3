import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

/**
 * Where limg keeps downloads: `LIMG_CACHE_DIR`, else `$XDG_CACHE_HOME/limg`, else
 * `~/.cache/limg`, as other XDG-aware tools do.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.LIMG_CACHE_DIR?.trim()) return resolve(env.LIMG_CACHE_DIR.trim())
  if (env.XDG_CACHE_HOME?.trim()) return join(resolve(env.XDG_CACHE_HOME.trim()), 'limg')
  return join(home, '.cache', 'limg')
}
