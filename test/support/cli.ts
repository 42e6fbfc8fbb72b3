import {resolve} from 'node:path'
import {execa} from 'execa'

export const BIN = resolve('bin/run.js')

export interface CliRun {
  exitCode: number
  stdout: string
  stderr: string
  /** stdout parsed, when the call had --json: it must be exactly one JSON object. */
  json: Record<string, unknown>
}

/**
 * Runs the built `bin/run.js` as a user would in CI: the file itself (its launcher, not
 * `node bin/run.js`), no terminal, `CI` set, no colour. With `--json` in `args`, stdout must
 * parse as one JSON object or the call throws.
 */
export async function limg(args: string[], cwd: string, options: {env?: NodeJS.ProcessEnv; input?: string} = {}): Promise<CliRun> {
  const result = await execa(BIN, args, {
    cwd,
    reject: false,
    env: {...options.env, CI: '1', NO_COLOR: '1'},
    ...(options.input === undefined ? {stdin: 'ignore' as const} : {input: options.input}),
  })
  const json = args.includes('--json') ? (JSON.parse(result.stdout) as Record<string, unknown>) : {}
  return {exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, json}
}
