import {homedir} from 'node:os'
import {join} from 'node:path'

/** limg's cache: LIMG_CACHE_DIR, else $XDG_CACHE_HOME/limg, else ~/.cache/limg. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIMG_CACHE_DIR) return env.LIMG_CACHE_DIR
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'limg')
}
