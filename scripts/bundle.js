#!/usr/bin/env node
// Bundles limg into dist/ with esbuild after `tsc --noEmit` has checked it: one file per
// command (where oclif's manifest says it is) and shared chunks, with oclif and the small
// dependencies inside. Node then reads a few files on start instead of a few hundred, which
// was most of the time of `limg --help` and of a warm `limg invoke`. The AWS SDK stays outside
// and is loaded on first use, as before; docker-modem and its ssh2 only for an ssh:// engine.
import {readdirSync, rmSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const commands = readdirSync(join(src, 'commands'), {recursive: true})
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join(src, 'commands', file))
const entry = (file) => ({in: file, out: relative(src, file).replace(/\.ts$/, '')})

rmSync(join(root, 'dist'), {recursive: true, force: true})
await build({
  // The detached HTTP front door runs as a process of its own (src/front/detached.ts starts it).
  // The hot commands start without oclif (src/cli/fast-start.ts).
  entryPoints: [entry(join(src, 'cli', 'process-edge.ts')), entry(join(src, 'cli', 'oclif.ts')), entry(join(src, 'cli', 'fast-start.ts')), entry(join(src, 'front', 'daemon.ts')), ...commands.map(entry)],
  outdir: join(root, 'dist'),
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Loaded on first use or never: the AWS SDK (by the commands that call AWS), docker-modem
  // (ssh:// engines only), and what oclif asks for only when running TypeScript sources.
  external: ['docker-modem', 'docker-modem/*', 'typescript', 'ts-node', 'tsx'],
  // oclif and some of its dependencies are CommonJS: inside an ES module they still need these.
  banner: {
    js: [
      "import {createRequire as __limgRequire} from 'node:module'",
      "import {fileURLToPath as __limgPath} from 'node:url'",
      "import {dirname as __limgDir} from 'node:path'",
      'const require = __limgRequire(import.meta.url)',
      'const __filename = __limgPath(import.meta.url)',
      'const __dirname = __limgDir(__filename)',
    ].join(';'),
  },
})
