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
