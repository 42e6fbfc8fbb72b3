#!/usr/bin/env node
import {readFileSync} from 'node:fs'

const argv = process.argv.slice(2)
if (argv.length === 1 && argv[0] === '--version') {
  // Answered without loading oclif: scripts call `limg --version` often, and oclif's start-up
  // costs more than the rest of this answer. Same text as oclif's own version output.
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`limg/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
