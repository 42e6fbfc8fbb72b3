#!/bin/sh
":" /*
# limg starts as a shell script, which hands its arguments to Node with a ":" in front of
# each: Node 20.6 and later read `--env-file FILE` (and any argument starting with
# --env-file) from anywhere on their command line, also after the script's name, and
# before any JavaScript runs either exit with "node: FILE: not found" or load that file's
# NODE_OPTIONS into limg itself. `limg run --env-file` is limg's flag, for the function.
# Releases from 20.19 and 22.7 stop reading at `--`; earlier ones do not, hence the prefix.
for arg in "$@"; do shift; set -- "$@" ":$arg"; done
exec node "$0" :limg-launcher "$@"
*/
import {existsSync, readFileSync} from 'node:fs'
import {installProcessEdge} from '../dist/cli/process-edge.js'

// The shell part above passes ":limg-launcher" first and every argument with a ":" in front;
// `node bin/run.js ...` passes them as they are.
const LAUNCHER = ':limg-launcher'
if (process.argv[2] === LAUNCHER) process.argv.splice(2, Infinity, ...process.argv.slice(3).map((arg) => arg.slice(1)))
const argv = process.argv.slice(2)
const ROOT_HELP = new URL('../dist/root-help.txt', import.meta.url)

// Signals, broken pipes and uncaught errors are limg's from here on, before oclif loads: a
// Ctrl-C while it loads ends with one line and 130, not a silent default kill.
const edge = installProcessEdge(argv)

// oclif's own version text.
const versionLine = () => {
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  return `limg/${version} ${process.platform}-${process.arch} node-${process.version}`
}

/**
 * `invoke`, `build` and `push` (the commands with a bundle in dist/fast/) with a plain command
 * line run without oclif (src/cli/fast-start.ts); false when this one is left to oclif.
 */
async function fastStart() {
  const bundle = /^[a-z]+$/.test(argv[0] ?? '') ? new URL(`../dist/fast/${argv[0]}.js`, import.meta.url) : undefined
  if (!bundle || process.env.LIMG_FAST_START === '0' || !existsSync(bundle)) return false
  const {fastStart, body} = await import(bundle.href)
  return fastStart(argv, new URL('../dist/flag-specs.json', import.meta.url), body)
}

if (argv.length === 1 && argv[0] === '--version') {
  // Answered without loading oclif: scripts call `limg --version` often, and oclif's start-up
  // costs more than the rest of this answer.
  process.stdout.write(`${versionLine()}\n`)
} else if (!process.stdout.isTTY && !process.env.OCLIF_COLUMNS && (argv.length === 0 || (argv.length === 1 && argv[0] === '--help')) && existsSync(ROOT_HELP)) {
  // The root help to a pipe (scripts, editors) is the text oclif printed there at build
  // time (scripts/write-manifest.js); a terminal gets oclif's own, fitted to its width.
  process.stdout.write(readFileSync(ROOT_HELP, 'utf8').replace('%VERSION%', versionLine()))
} else if (!(await fastStart())) {
  // Everything but a hot command with a plain command line runs here (help, every command
  // line oclif must judge, every other command).
  // oclif's run and flush rather than its execute, whose error handler prints what fails
  // outside a command (an unknown command) in oclif's own format, ignoring --json.
  const {flush, run} = await import('../dist/cli/oclif.js')
  await run(argv, import.meta.url).then(() => flush(), (error) => edge.exitWith(error))
}
