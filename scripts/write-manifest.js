#!/usr/bin/env node
// Writes oclif.manifest.json after `tsc`. Without it oclif imports every command module
// (and with them dockerode and the AWS SDK) on each start just to list command ids, which
// triples the time of `limg --version` and `limg --help`. Then the root help as oclif prints
// it to a pipe (80 columns, no colour), which bin/run.js serves to a piped `limg --help`
// without loading oclif at all.
import {execFileSync} from 'node:child_process'
import {rm, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Plugin} from '@oclif/core'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
await writeFile(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`)

// Each command's flags reduced to what a plain command line needs (src/cli/fast-start.ts's
// FlagSpec), read from the commands' own oclif flags, for the hot commands that start
// without oclif. A flag with a parse of its own or a property not listed here is "other":
// a command line using it goes to oclif; one that oclif must fill in itself (a required
// flag, a computed default) leaves the whole command to oclif.
// The commands are read from the bundle, so their flags are compared with the bundle's copy of oclif.
const {Flags} = await import('../dist/cli/oclif.js')
const source = (fn) => fn?.toString()
const parsers = {string: source(Flags.string().parse), integer: source(Flags.integer().parse), boolean: source(Flags.boolean().parse)}
const PLAIN = new Set(['parse', 'description', 'summary', 'default', 'input', 'multiple', 'type', 'options', 'allowNo', 'min', 'max', 'exclusive', 'dependsOn', 'helpGroup', 'helpValue', 'hidden'])
const specOf = (flag) => {
  const kind = Object.keys(parsers).find((k) => parsers[k] === source(flag.parse))
  const plain = kind && Object.keys(flag).every((key) => PLAIN.has(key) && (key !== 'default' || typeof flag.default !== 'function'))
  if (!plain) return {kind: 'other', ...(flag.required || flag.default !== undefined ? {fills: true} : {})}
  const keep = ['multiple', 'allowNo', 'default', 'min', 'max', 'options', 'exclusive', 'dependsOn'].filter((key) => flag[key] !== undefined && !(key !== 'default' && flag[key] === false))
  return {kind, ...Object.fromEntries(keep.map((key) => [key, flag[key]]))}
}
const specs = {}
for (const command of plugin.commands) {
  const loaded = await command.load()
  const flags = Object.fromEntries(Object.entries(loaded.flags ?? {}).map(([name, flag]) => [name, specOf(flag)]))
  if (Object.values(flags).some((flag) => flag.fills) || Object.keys(loaded.args ?? {}).length) continue
  specs[command.id] = flags
}
await writeFile(join(root, 'dist', 'flag-specs.json'), `${JSON.stringify(specs, null, 2)}\n`)

const rootHelp = join(root, 'dist', 'root-help.txt')
await rm(rootHelp, {force: true})
const env = {...process.env}
delete env.OCLIF_COLUMNS
const cli = (arg) => execFileSync(process.execPath, [join(root, 'bin', 'run.js'), arg], {env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8'})
// The version line names the Node.js release and platform it runs on: filled in at run time.
const version = cli('--version').trim()
const help = cli('--help')
if (!help.includes(version)) throw new Error(`limg --help does not show the version line "${version}"`)
await writeFile(rootHelp, help.replace(version, '%VERSION%'))
