// The commands people run many times a minute (`invoke` in a loop, `build` and `push` after
// each change) can have a tenth of a second of work; oclif's load, configuration and command
// lookup cost about 80 ms before the first line of a command runs. So these start without
// it, from bundles of their own (scripts/bundle.js: dist/fast/<command>.js, this module with
// the command's body), with the flags oclif's definitions give them.
import {readFileSync} from 'node:fs'
import {CommandShell} from './shell.js'

/**
 * One flag of a command as oclif defines it, reduced to what a plain command line needs
 * (scripts/write-manifest.js writes these from the commands' own oclif flags, so the
 * definitions have one home). `other` is a flag with a parse of its own: only oclif runs it.
 */
export interface FlagSpec {
  kind: 'boolean' | 'string' | 'integer' | 'other'
  multiple?: boolean
  allowNo?: boolean
  default?: unknown
  min?: number
  max?: number
  options?: string[]
  exclusive?: string[]
  dependsOn?: string[]
}

/** Every command's flags by command id (`base:build`), as written to dist/flag-specs.json. */
export type FlagSpecs = Record<string, Record<string, FlagSpec>>

/** A hot command's body (src/cli/bodies/): its parsed flags in, its `--json` result out. */
export type FastBody = (shell: CommandShell, flags: Record<string, unknown>) => Promise<object>

/** A command line the fast start runs: the command, its flags as oclif would parse them, and `--json`. */
export interface FastCommandLine {
  id: string
  flags: Record<string, unknown>
  json: boolean
}

/**
 * Parses a command line for the fast start, or declines it (undefined) whenever it is
 * anything but plain: help, an unknown or repeated flag, a value oclif would refuse or
 * check with a parse of its own, an argument, `--`, a short flag. oclif then runs it and
 * says what is wrong in its own words, so the fast start never has an error message of its own.
 */
export function parseFastCommandLine(argv: readonly string[], specs: FlagSpecs, env: NodeJS.ProcessEnv = process.env): FastCommandLine | undefined {
  const [id, ...rest] = argv
  // oclif's LIMG_CONTENT_TYPE=json turns --json on from the environment.
  if (id === undefined || !Object.hasOwn(specs, id) || env.LIMG_CONTENT_TYPE !== undefined) return undefined
  const spec = new Map(Object.entries(specs[id]!))
  const given = new Map<string, unknown>()
  let json = false
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (!arg.startsWith('--') || arg === '--') return undefined
    const eq = arg.indexOf('=')
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
    const inline = eq < 0 ? undefined : arg.slice(eq + 1)
    if (name === 'json' && inline === undefined && !json) {
      json = true
      continue
    }
    const negated = !spec.has(name) && name.startsWith('no-') && spec.get(name.slice(3))?.allowNo ? name.slice(3) : undefined
    const flagName = negated ?? name
    const flag = spec.get(flagName)
    if (!flag || flag.kind === 'other') return undefined
    if (flag.kind === 'boolean') {
      if (inline !== undefined || given.has(flagName)) return undefined
      given.set(flagName, negated === undefined)
      continue
    }
    if (negated !== undefined) return undefined
    const raw = inline ?? rest[++i]
    // A value that looks like a flag, or an empty one, is oclif's to judge ("-" alone is stdin, a plain value).
    if (raw === undefined || raw === '' || (raw.startsWith('-') && raw !== '-')) return undefined
    const value = flag.kind === 'integer' ? integerValue(raw, flag) : raw
    if (value === undefined || (flag.options && !flag.options.includes(raw))) return undefined
    if (flag.multiple) given.set(flagName, [...((given.get(flagName) as unknown[] | undefined) ?? []), value])
    else if (given.has(flagName)) return undefined
    else given.set(flagName, value)
  }
  for (const name of given.keys()) {
    const flag = spec.get(name)!
    if (flag.exclusive?.some((other) => given.has(other) || spec.get(other)?.default !== undefined)) return undefined
    if (flag.dependsOn?.some((other) => !given.has(other))) return undefined
  }
  const flags: Record<string, unknown> = {}
  for (const [name, flag] of spec) {
    if (given.has(name)) flags[name] = given.get(name)
    else if (flag.default !== undefined) flags[name] = flag.default
  }
  return {id, flags, json}
}

/** oclif's integer flag: digits with an optional minus, within min and max. */
function integerValue(raw: string, flag: FlagSpec): number | undefined {
  if (!/^-?\d+$/.test(raw)) return undefined
  const value = Number.parseInt(raw, 10)
  if ((flag.min !== undefined && value < flag.min) || (flag.max !== undefined && value > flag.max)) return undefined
  return value
}

/**
 * Runs a hot command's body without oclif when its command line is plain (see
 * parseFastCommandLine), in the same CommandShell oclif's commands run in, and says whether
 * it did; bin/run.js starts oclif otherwise. A failure is reported here and ends the process
 * through `exit`, as oclif's path ends it.
 */
export async function fastStart(argv: readonly string[], specsFile: URL, body: FastBody, exit: (code: number) => never = (code) => process.exit(code)): Promise<boolean> {
  let specs: FlagSpecs
  try {
    specs = JSON.parse(readFileSync(specsFile, 'utf8')) as FlagSpecs
  } catch {
    return false
  }
  const line = parseFastCommandLine(argv, specs)
  if (!line) return false
  const shell = new CommandShell(line.json)
  shell.claimSignals()
  let failure: (Error & {exitCode?: number}) | undefined
  let result: object | undefined
  try {
    result = await body(shell, line.flags)
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error))
  }
  shell.release(failure !== undefined)
  if (failure) exit(shell.fail(failure))
  shell.printResult(result!)
  return true
}
