#!/usr/bin/env node
// Bundles limg into dist/ with esbuild after `tsc --noEmit` has checked it: one file per
// command (where oclif's manifest says it is) and shared chunks, with oclif and the small
// dependencies inside. Node then reads a few files on start instead of a few hundred, which
// was most of the time of `limg --help` and of a warm `limg invoke`. The AWS SDK is in chunks
// of its own, loaded on first use; docker-modem and its ssh2 only for an ssh:// engine.
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
// Shared by both builds below.
const common = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  mainFields: ['module', 'main'],
  // Loaded on first use or never: docker-modem (ssh:// engines only), and what oclif asks for
  // only when running TypeScript sources.
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
}

await build({
  ...common,
  // The detached HTTP front door runs as a process of its own (src/front/detached.ts starts it).
  entryPoints: [entry(join(src, 'cli', 'process-edge.ts')), entry(join(src, 'cli', 'oclif.ts')), entry(join(src, 'front', 'daemon.ts')), ...commands.map(entry)],
  outdir: join(root, 'dist'),
  chunkNames: 'chunks/[name]-[hash]',
})

// The hot commands without oclif (src/cli/fast-start.ts): dist/fast/<command>.js is the fast
// start with that command's body, and their shared code is split among them only, so a warm
// `limg invoke` reads about ten files where the build above would give it thirty (each file
// costs Node about half a millisecond to load). They share bin/run.js's process edge, the
// one copy of it (dist/cli/process-edge.js), for the signals; nothing else crosses over.
const FAST_COMMANDS = {invoke: 'runInvoke', build: 'runBuild', push: 'runPush'}
const processEdge = join(src, 'cli', 'process-edge.ts')
await build({
  ...common,
  entryPoints: Object.keys(FAST_COMMANDS).map((id) => ({in: `fast-entry:${id}`, out: id})),
  outdir: join(root, 'dist', 'fast'),
  chunkNames: '[name]-[hash]',
  plugins: [{
    name: 'fast-start',
    setup(build) {
      build.onResolve({filter: /^fast-entry:/}, (args) => ({path: args.path.slice('fast-entry:'.length), namespace: 'fast-entry'}))
      build.onLoad({filter: /.*/, namespace: 'fast-entry'}, (args) => ({
        resolveDir: src,
        contents: `export {fastStart} from './cli/fast-start.ts'\nexport {${FAST_COMMANDS[args.path]} as body} from './cli/bodies/${args.path}.ts'\n`,
      }))
      build.onResolve({filter: /process-edge\.js$/}, (args) => join(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === processEdge ? {path: '../cli/process-edge.js', external: true} : undefined)
    },
  }],
})
