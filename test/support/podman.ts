import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type ResultPromise, execa} from 'execa'
import {pings, unmountUnder} from './engine-process.js'

const READY_WAIT_MS = 60_000
/** Podman lowers its own hard RLIMIT_NPROC to this at start-up (seen with strace); containers may ask no more. */
const PODMAN_NPROC = 32_768

/** A rootful `podman system service` of the test's own: its own storage, configuration and socket. */
export interface PodmanService {
  /** DOCKER_HOST=unix://…/podman.sock, and the configuration the `podman` CLI needs to see the same storage. */
  env: {DOCKER_HOST: string; CONTAINERS_CONF: string; CONTAINERS_STORAGE_CONF: string; CONTAINERS_REGISTRIES_CONF: string}
  socket: string
  dir: string
  log: string
  [Symbol.asyncDispose](): Promise<void>
}

/** Why Podman cannot run here, or undefined when it can. */
export async function podmanUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'a rootful podman service needs root'
  for (const tool of ['podman', 'runc', 'conmon']) {
    if ((await execa('sh', ['-c', 'command -v "$1"', 'sh', tool], {reject: false})).exitCode !== 0) return `${tool} is not installed (apt-get install podman)`
  }
  return undefined
}

/**
 * Starts Podman's Docker-compatible API as a user would (`podman system service`), with the
 * settings containers need to start on these machines: runc (Debian's crun refuses the
 * host's hybrid cgroup layout), ulimits within what Podman itself may grant (its defaults,
 * nofile 1048576 and nproc 4194304, fail with "error setting rlimit type 6/7"), cgroupfs and
 * a file events log (no systemd), and the loopback registry over plain HTTP, as Docker allows it.
 */
export async function startPodman(): Promise<PodmanService> {
  const dir = await mkdtemp(join(tmpdir(), 'limg-podman-'))
  const socket = join(dir, 'podman.sock')
  const log = join(dir, 'service.log')
  const nofile = Math.min(Number((await execa('sh', ['-c', 'ulimit -Hn'])).stdout) || 1_048_576, 1_048_576)
  await mkdir(join(dir, 'tmp'))
  const env = {
    DOCKER_HOST: `unix://${socket}`,
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
  }
  await writeFile(env.CONTAINERS_CONF, [
    '[containers]',
    `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${PODMAN_NPROC}:${PODMAN_NPROC}"]`,
    '[engine]',
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    `events_logfile_path = "${join(dir, 'tmp', 'events.log')}"`,
    `tmp_dir = "${join(dir, 'tmp')}"`,
    '[network]',
    'network_backend = "cni"',
    '',
  ].join('\n'))
  await writeFile(env.CONTAINERS_STORAGE_CONF, `[storage]\ndriver = "overlay"\ngraphroot = "${join(dir, 'storage')}"\nrunroot = "${join(dir, 'run')}"\n`)
  await writeFile(env.CONTAINERS_REGISTRIES_CONF, 'unqualified-search-registries = []\n[[registry]]\nlocation = "127.0.0.1"\ninsecure = true\n')
  const podmanEnv = {...process.env, ...env}
  let child: ResultPromise | undefined
  const dispose = async (): Promise<void> => {
    // Containers run under conmon, not the service: they outlive it unless removed first.
    await execa('podman', ['rm', '--all', '--force', '--time', '0'], {env: podmanEnv, reject: false})
    await execa('podman', ['rmi', '--all', '--force'], {env: podmanEnv, reject: false})
    child?.kill('SIGTERM')
    await child
    await unmountUnder(dir)
    await rm(dir, {recursive: true, force: true})
  }
  try {
    child = execa('podman', ['system', 'service', '--time=0', `unix://${socket}`], {env: podmanEnv, reject: false, stdin: 'ignore', stdout: {file: log, append: true}, stderr: {file: log, append: true}})
    let exited = false
    void child.then(() => (exited = true))
    const deadline = Date.now() + READY_WAIT_MS
    while (!(await pings({socketPath: socket}))) {
      if (exited) throw new Error(`podman system service exited before answering; see ${log}.`)
      if (Date.now() > deadline) throw new Error(`podman system service did not answer on ${socket} within ${READY_WAIT_MS} ms; see ${log}.`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return {env, socket, dir, log, [Symbol.asyncDispose]: dispose}
  } catch (error) {
    await dispose()
    throw error
  }
}
