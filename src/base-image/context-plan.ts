import type {ContextEntry} from '../context/entries-stream.js'
import type {ImageSources} from './sources.js'

/** Everything that goes into the image, as folders and files on the host. */
export interface ImageParts {
  sources: ImageSources
  /** Root folder of the Debian files (libraries, busybox, CA bundle). */
  system: string
  nodeBinary: string
  /** The unpacked npm package (bin/npm-cli.js, node_modules/). */
  npmPackage: string
  /** node_modules of the bundled AWS SDK. */
  sdkModules: string
  /** The Node major version, recorded for the runtime's bootstrap so it need not start node to learn it. */
  nodeMajor: number
}

const EXECUTABLE = 0o755

/**
 * The build context: `Dockerfile.base` as `Dockerfile` and the folders it copies (system/,
 * lang/, sdk/, runtime/, entrypoint/, rie/). Folders a COPY cannot create with the right mode
 * (/tmp is 1777) are written here.
 */
export function contextPlan(parts: ImageParts): ContextEntry[] {
  const {sources} = parts
  return [
    {kind: 'file', from: sources.dockerfile, to: 'Dockerfile', mode: 0o644},
    {kind: 'tree', from: parts.system, to: 'system'},
    {kind: 'tree', from: sources.rootfsTemplate, to: 'system', modes: {'etc/passwd': 0o644, 'etc/group': 0o644}},
    {kind: 'directory', to: 'system/tmp', mode: 0o1777},
    {kind: 'directory', to: 'system/root', mode: 0o700},
    {kind: 'directory', to: 'system/opt', mode: 0o755},
    {kind: 'directory', to: 'system/var', mode: 0o755},
    {kind: 'directory', to: 'system/var/task', mode: 0o755},
    {kind: 'directory', to: 'lang', mode: 0o755},
    {kind: 'directory', to: 'lang/bin', mode: 0o755},
    {kind: 'file', from: parts.nodeBinary, to: 'lang/bin/node', mode: EXECUTABLE},
    {kind: 'directory', to: 'lang/lib', mode: 0o755},
    {kind: 'directory', to: 'lang/lib/node_modules', mode: 0o755},
    {
      kind: 'tree',
      from: parts.npmPackage,
      to: 'lang/lib/node_modules/npm',
      modes: {'bin/npm-cli.js': EXECUTABLE, 'bin/npx-cli.js': EXECUTABLE},
    },
    // The layout of Node's own release tarballs: launchers are links into the npm package.
    {kind: 'symlink', to: 'lang/bin/npm', target: '../lib/node_modules/npm/bin/npm-cli.js'},
    {kind: 'symlink', to: 'lang/bin/npx', target: '../lib/node_modules/npm/bin/npx-cli.js'},
    {kind: 'tree', from: parts.sdkModules, to: 'sdk'},
    {kind: 'tree', from: sources.runtimeDir, to: 'runtime', modes: {bootstrap: EXECUTABLE}},
    {kind: 'content', to: 'runtime/node-major', data: `${parts.nodeMajor}\n`, mode: 0o644},
    {kind: 'directory', to: 'entrypoint', mode: 0o755},
    {kind: 'file', from: sources.entrypoint, to: 'entrypoint/lambda-entrypoint.sh', mode: EXECUTABLE},
    {kind: 'directory', to: 'rie', mode: 0o755},
    {kind: 'file', from: sources.rie, to: 'rie/aws-lambda-rie', mode: EXECUTABLE},
  ]
}
