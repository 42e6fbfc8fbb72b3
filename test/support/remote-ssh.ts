import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {type ResultPromise, execa} from 'execa'
import {cacheRoot} from '../../src/util/cache-root.js'
import {listening} from './engine-process.js'
import type {RemoteEngine} from './remote-engine.js'

const READY_WAIT_MS = 30_000

/** SSH access to a remote engine's host, as `DOCKER_HOST=ssh://root@host` reaches a build server. */
export interface RemoteSsh {
  /**
   * DOCKER_HOST=ssh://root@<address>, the SSH agent holding the key it accepts, and a HOME
   * whose ~/.ssh/known_hosts holds the host's key (limg's cache stays where it was).
   */
  env: {DOCKER_HOST: string; SSH_AUTH_SOCK: string; HOME: string; LIMG_CACHE_DIR: string}
  /** The known_hosts line for the host, to break or remove in a test. */
  knownHost: string
  [Symbol.asyncDispose](): Promise<void>
}

/** Why SSH access cannot be set up here, or undefined when it can. */
export async function remoteSshUnavailable(): Promise<string | undefined> {
  for (const tool of ['/usr/sbin/sshd', 'ssh-agent', 'ssh-add', 'ssh-keygen', 'docker']) {
    if ((await execa('sh', ['-c', 'command -v "$1"', 'sh', tool], {reject: false})).exitCode !== 0) return `${tool} is not installed (apt-get install openssh-server openssh-client)`
  }
  return undefined
}

/**
 * An sshd inside the engine's network namespace, on its address, accepting one key the test
 * makes, with DOCKER_HOST set for sessions so that `docker system dial-stdio` (what an ssh://
 * client runs there) reaches that engine; and an SSH agent holding the key.
 */
export async function startRemoteSsh(engine: RemoteEngine): Promise<RemoteSsh> {
  const dir = join(engine.dir, 'ssh')
  await mkdir(dir, {mode: 0o700})
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')])
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')])
  await execa('cp', [join(dir, 'client_key.pub'), join(dir, 'authorized_keys')])
  await writeFile(join(dir, 'sshd_config'), [
    `ListenAddress ${engine.address}:22`,
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    // The files live in a temporary folder whose parents sshd's strict checks would refuse.
    'StrictModes no',
    `SetEnv DOCKER_HOST=unix://${join(engine.dir, 'docker.sock')}`,
    '',
  ].join('\n'))
  const processes: ResultPromise[] = []
  const dispose = async (): Promise<void> => {
    for (const child of processes) child.kill('SIGTERM')
    await Promise.all(processes)
  }
  try {
    // sshd needs its privilege-separation folder, which the package makes only when its service starts.
    await mkdir('/run/sshd', {recursive: true, mode: 0o755})
    processes.push(execa('nsenter', [`--net=/run/netns/${engine.namespace}`, '/usr/sbin/sshd', '-D', '-e', '-f', join(dir, 'sshd_config')], {reject: false, stdin: 'ignore', stdout: {file: join(dir, 'sshd.log'), append: true}, stderr: {file: join(dir, 'sshd.log'), append: true}}))
    const agentSocket = join(dir, 'agent.sock')
    processes.push(execa('ssh-agent', ['-D', '-a', agentSocket], {reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore'}))
    await waitFor(() => listening(engine.address, 22, 1000), `sshd at ${engine.address}:22 (see ${join(dir, 'sshd.log')})`)
    await waitFor(async () => (await execa('ssh-add', [join(dir, 'client_key')], {env: {SSH_AUTH_SOCK: agentSocket}, reject: false})).exitCode === 0, `the SSH agent at ${agentSocket}`)
    const home = join(dir, 'home')
    await mkdir(join(home, '.ssh'), {recursive: true, mode: 0o700})
    const [type, key] = (await readFile(join(dir, 'host_key.pub'), 'utf8')).trim().split(/\s+/)
    const knownHost = `${engine.address} ${type} ${key}`
    await writeFile(join(home, '.ssh', 'known_hosts'), `${knownHost}\n`)
    const env = {DOCKER_HOST: `ssh://root@${engine.address}`, SSH_AUTH_SOCK: agentSocket, HOME: home, LIMG_CACHE_DIR: cacheRoot()}
    return {env, knownHost, [Symbol.asyncDispose]: dispose}
  } catch (error) {
    await dispose()
    throw error
  }
}

async function waitFor(ready: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + READY_WAIT_MS
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${READY_WAIT_MS} ms.`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
