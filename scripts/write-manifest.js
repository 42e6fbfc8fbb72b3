#!/usr/bin/env node
// Writes oclif.manifest.json after `tsc`. Without it oclif imports every command module
// (and with them dockerode and the AWS SDK) on each start just to list command ids, which
// triples the time of `limg --version` and `limg --help`.
import {writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Plugin} from '@oclif/core'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
await writeFile(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`)
