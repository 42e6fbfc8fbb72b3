import {readFile, stat} from 'node:fs/promises'
import {join, posix} from 'node:path'
import type {Runtime} from '../catalog/runtimes.js'
import {InvalidInputError} from '../errors/index.js'
import table from './package-managers.json' with {type: 'json'}

export type PackageManagerName = 'npm' | 'yarn' | 'pnpm'

/**
 * How a project's dependencies install inside the image: which files the install reads,
 * what must be installed first (pnpm, Yarn), and the commands for a production-only and a
 * full install. Rendered into the Dockerfile's RUN lines.
 */
export interface InstallPlan {
  manager: PackageManagerName
  /** For messages: `pnpm 9.15.9 (pnpm-lock.yaml)`, `npm (no lock file)`. */
  description: string
  lockFile?: string
  /** Project files the install reads, relative to the project root. */
  inputs: string[]
  /** Folders the install reads (a committed Yarn release and its plugins). */
  inputDirs: string[]
  /**
   * Install settings at the project root that may hold registry tokens (.npmrc, .yarnrc,
   * .yarnrc.yml): the install reads them, the image never holds them.
   */
  configFiles: string[]
  /** Installs the package manager itself, when the base image lacks it. */
  setup?: string
  productionInstall: string
  fullInstall: string
  /** `npm run <script>` in the manager's own words. */
  run(script: string): string
  /** Things to say once per build, such as a missing lock file. */
  notes: string[]
}

interface PackageJsonFields {
  packageManager?: unknown
}

const CONFIG_FILES = ['.npmrc', '.yarnrc', '.yarnrc.yml']
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/
const SAFE_PATH = /^[A-Za-z0-9_.][A-Za-z0-9_./@-]*$/

/**
 * The install a project needs, read from its files: `packageManager` in package.json, then
 * the lock file present (pnpm-lock.yaml, yarn.lock, package-lock.json or
 * npm-shrinkwrap.json). Without either it is npm without a lock file.
 *
 * @throws InvalidInputError for a package manager or version the runtime's Node cannot run,
 *   or a Yarn Plug'n'Play project (Lambda's runtime does not start Yarn's loader)
 */
export async function planInstall(dir: string, runtime: Runtime, packageJson: PackageJsonFields): Promise<InstallPlan> {
  const present = async (file: string): Promise<boolean> => (await stat(join(dir, file)).catch(() => undefined)) !== undefined
  const [pnpmLock, yarnLock, npmLock, shrinkwrap] = await Promise.all(['pnpm-lock.yaml', 'yarn.lock', 'package-lock.json', 'npm-shrinkwrap.json'].map(present))
  const configFiles = (await Promise.all(CONFIG_FILES.map(async (f) => ((await present(f)) ? f : undefined)))).filter((f): f is string => f !== undefined)
  const declared = parsePackageManagerField(packageJson.packageManager)
  const notes: string[] = []
  const locks = [pnpmLock && 'pnpm-lock.yaml', yarnLock && 'yarn.lock', (npmLock || shrinkwrap) && (shrinkwrap ? 'npm-shrinkwrap.json' : 'package-lock.json')].filter(Boolean)
  const manager: PackageManagerName = declared?.name ?? (pnpmLock ? 'pnpm' : yarnLock ? 'yarn' : 'npm')
  if (!declared && locks.length > 1) notes.push(`The project has several lock files (${locks.join(', ')}); limg installs with ${manager}. Set "packageManager" in package.json to choose.`)

  if (manager === 'pnpm') return pnpmPlan(dir, runtime, declared?.version, pnpmLock, configFiles, notes)
  if (manager === 'yarn') return yarnPlan(dir, runtime, declared?.version, yarnLock, configFiles, notes)
  return npmPlan(runtime, shrinkwrap ? 'npm-shrinkwrap.json' : npmLock ? 'package-lock.json' : undefined, configFiles, notes)
}

function npmPlan(runtime: Runtime, lockFile: string | undefined, configFiles: string[], notes: string[]): InstallPlan {
  const run = (script: string): string => `npm run ${script}`
  if (lockFile) {
    return {
      manager: 'npm',
      description: `npm (${lockFile})`,
      lockFile,
      inputs: ['package.json', lockFile],
      inputDirs: [],
      configFiles,
      productionInstall: runtime.productionInstall.join(' '),
      fullInstall: 'npm ci',
      run,
      notes,
    }
  }
  notes.push('No lock file: dependencies install with `npm install`, so two builds may resolve different versions. Commit a package-lock.json (`npm install --package-lock-only`) to make builds reproducible.')
  // npm 6 (nodejs12.x, 14.x) has no --omit.
  const omitDev = runtime.npmMajor === 6 ? '--only=production' : '--omit=dev'
  return {
    manager: 'npm',
    description: 'npm (no lock file)',
    inputs: ['package.json'],
    inputDirs: [],
    configFiles,
    productionInstall: `npm install ${omitDev} --no-audit --no-fund`,
    fullInstall: 'npm install --no-audit --no-fund',
    run,
    notes,
  }
}

async function pnpmPlan(dir: string, runtime: Runtime, declared: string | undefined, hasLock: boolean, configFiles: string[], notes: string[]): Promise<InstallPlan> {
  let version = declared
  let source = 'packageManager in package.json'
  if (!version) {
    const lockVersion = hasLock ? await pnpmLockfileVersion(dir) : undefined
    const row = lockVersion === undefined ? table.pnpm[0] : table.pnpm.find((r) => lockVersion === r.lockfileVersion || lockVersion.startsWith(`${r.lockfileVersion}.`))
    if (!row) {
      throw new InvalidInputError(`pnpm-lock.yaml has lockfileVersion ${lockVersion}, which limg does not know a pnpm for.`, 'Name the pnpm to use with "packageManager": "pnpm@<version>" in package.json.')
    }
    version = row.version
    source = hasLock ? `pnpm-lock.yaml lockfileVersion ${lockVersion}` : 'no lock file'
  }
  const major = Number(version.split('.')[0])
  checkNode(runtime, `pnpm ${version}`, table.pnpmMinNode.find((r) => r.major === major)?.minNode ?? table.pnpmMinNode[0].minNode)
  if (!hasLock) notes.push('No pnpm-lock.yaml: dependencies resolve afresh on every build. Commit the lock file to make builds reproducible.')
  const frozen = hasLock ? ' --frozen-lockfile' : ''
  return {
    manager: 'pnpm',
    description: `pnpm ${version} (${source})`,
    ...(hasLock ? {lockFile: 'pnpm-lock.yaml'} : {}),
    inputs: hasLock ? ['package.json', 'pnpm-lock.yaml'] : ['package.json'],
    inputDirs: [],
    configFiles,
    setup: `npm install --global --no-audit --no-fund pnpm@${version}`,
    productionInstall: `pnpm install${frozen} --prod`,
    fullInstall: `pnpm install${frozen}`,
    run: (script) => `pnpm run ${script}`,
    notes,
  }
}

async function yarnPlan(dir: string, runtime: Runtime, declared: string | undefined, hasLock: boolean, configFiles: string[], notes: string[]): Promise<InstallPlan> {
  const lockText = hasLock ? await readFile(join(dir, 'yarn.lock'), 'utf8') : undefined
  const rc = await readFile(join(dir, '.yarnrc.yml'), 'utf8').catch(() => undefined)
  const metadataVersion = lockText === undefined ? undefined : berryMetadataVersion(lockText)
  const berry = declared ? Number(declared.split('.')[0]) >= 2 : metadataVersion !== undefined || rc !== undefined
  const inputs = hasLock ? ['package.json', 'yarn.lock'] : ['package.json']
  if (!hasLock) notes.push('No yarn.lock: dependencies resolve afresh on every build. Commit the lock file to make builds reproducible.')

  if (!berry) {
    const version = declared ?? table.yarnClassic.version
    const frozen = hasLock ? ' --frozen-lockfile' : ''
    return {
      manager: 'yarn',
      description: `Yarn ${version} (${declared ? 'packageManager in package.json' : hasLock ? 'yarn.lock v1' : 'no lock file'})`,
      ...(hasLock ? {lockFile: 'yarn.lock'} : {}),
      inputs,
      inputDirs: [],
      configFiles,
      setup: `npm install --global --no-audit --no-fund yarn@${version}`,
      productionInstall: `yarn install${frozen} --production --non-interactive`,
      fullInstall: `yarn install${frozen} --non-interactive`,
      run: (script) => `yarn run ${script}`,
      notes,
    }
  }

  const linker = rc === undefined ? undefined : yamlScalar(rc, 'nodeLinker')
  if (linker !== 'node-modules') {
    throw new InvalidInputError(
      `The project uses Yarn ${declared ?? '2 or later'} with Plug'n'Play (nodeLinker: ${linker ?? 'pnp, the default'}), whose loader Lambda's Node.js runtime does not start.`,
      'Set `nodeLinker: node-modules` in .yarnrc.yml, run `yarn install`, then build again.',
    )
  }
  const yarnPath = rc === undefined ? undefined : yamlScalar(rc, 'yarnPath')
  const committedRelease = yarnPath !== undefined && SAFE_PATH.test(yarnPath) && !yarnPath.split('/').includes('..') && (await stat(join(dir, yarnPath)).catch(() => undefined))?.isFile()
  const row = table.yarnBerry.find((r) => metadataVersion !== undefined && metadataVersion >= r.metadataVersion) ?? table.yarnBerry[0]
  const version = declared ?? row.version
  const major = Number(version.split('.')[0])
  checkNode(runtime, `Yarn ${version}`, table.yarnBerryMinNode.find((r) => r.major === major)?.minNode ?? table.yarnBerryMinNode[0].minNode)
  const yarn = committedRelease ? `node ${yarnPath}` : 'yarn'
  const inputDirs = committedRelease ? [posix.dirname(yarnPath)] : []
  const plugins = await stat(join(dir, '.yarn', 'plugins')).catch(() => undefined)
  if (plugins?.isDirectory()) inputDirs.push('.yarn/plugins')
  // Yarn 4 bundles `workspaces focus`; 2 and 3 have it only with the workspace-tools plugin.
  const canFocus = major >= 4 || (await stat(join(dir, '.yarn', 'plugins', '@yarnpkg', 'plugin-workspace-tools.cjs')).catch(() => undefined)) !== undefined
  if (!canFocus) notes.push(`Yarn ${version} installs devDependencies too: its production-only install needs the workspace-tools plugin (\`yarn plugin import workspace-tools\`).`)
  const immutable = hasLock ? ' --immutable' : ''
  return {
    manager: 'yarn',
    description: `Yarn ${version} (${declared ? 'packageManager in package.json' : committedRelease ? yarnPath : `yarn.lock metadata version ${metadataVersion ?? 'unknown'}`})`,
    ...(hasLock ? {lockFile: 'yarn.lock'} : {}),
    inputs,
    inputDirs,
    configFiles,
    ...(committedRelease ? {} : {setup: `npm install --global --no-audit --no-fund @yarnpkg/cli-dist@${version}`}),
    productionInstall: canFocus ? `${yarn} workspaces focus --all --production` : `${yarn} install${immutable}`,
    fullInstall: `${yarn} install${immutable}`,
    run: (script) => `${yarn} run ${script}`,
    notes,
  }
}

/** `pnpm@9.12.0+sha512.abc` gives pnpm and 9.12.0; anything else limg cannot act on is an error. */
export function parsePackageManagerField(value: unknown): {name: PackageManagerName; version?: string} | undefined {
  if (value === undefined) return undefined
  const match = typeof value === 'string' ? /^(npm|yarn|pnpm)@([^+\s]+)(?:\+\S+)?$/.exec(value.trim()) : null
  if (!match || !VERSION.test(match[2])) {
    throw new InvalidInputError(
      `package.json's "packageManager" is ${JSON.stringify(value)}; limg reads "npm@<version>", "yarn@<version>" or "pnpm@<version>".`,
      'Fix the field (e.g. "pnpm@9.15.9"), or remove it to let the lock file decide.',
    )
  }
  const name = match[1] as PackageManagerName
  // npm itself comes with the runtime's Node; a pinned npm version is not installed over it.
  return name === 'npm' ? {name} : {name, version: match[2]}
}

function checkNode(runtime: Runtime, what: string, minNode: string): void {
  // Lambda runs the newest release of the runtime's major line, so the major decides.
  const [minMajor] = minNode.split('.').map(Number)
  if (runtime.major >= minMajor) return
  throw new InvalidInputError(`${what} needs Node.js ${minNode} or later, and ${runtime.id} runs Node.js ${runtime.major}.`, `Use a newer runtime in limg.json, or pin an older version with "packageManager" in package.json.`)
}

async function pnpmLockfileVersion(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, 'pnpm-lock.yaml'), 'utf8')
  return yamlScalar(text, 'lockfileVersion')
}

/** Yarn 2 and later write `__metadata: version: N` into yarn.lock; Yarn 1 does not. */
function berryMetadataVersion(lock: string): number | undefined {
  const match = /^__metadata:\s*\n\s+version:\s*(\d+)/m.exec(lock)
  return match ? Number(match[1]) : undefined
}

/** A top-level `key: value` of a YAML file, quotes removed: all limg reads of these files. */
function yamlScalar(text: string, key: string): string | undefined {
  const match = new RegExp(`^${key}:[ \\t]*(.+?)[ \\t]*$`, 'm').exec(text.replace(/^\uFEFF/, ''))
  if (!match) return undefined
  return match[1].replace(/\s+#.*$/, '').replace(/^(['"])(.*)\1$/, '$2')
}

/** The install of a project with package.json and package-lock.json, as limg's own projects have. */
export function lockedNpmPlan(runtime: Runtime): InstallPlan {
  return npmPlan(runtime, 'package-lock.json', [], [])
}
