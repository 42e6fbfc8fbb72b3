import {randomBytes} from 'node:crypto'
import {mkdir, mkdtemp, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type ResultPromise, execa} from 'execa'
import {freeSubnet, ip, pings, unmountUnder} from './engine-process.js'

const READY_WAIT_MS = 60_000

/**
 * A Docker engine that stands for a remote machine: a dockerd in a network namespace of the test's
 * own, reached over TCP (or TLS) at the namespace's address through a veth pair. Its published
 * ports are on that address, not on the host's loopback. The namespace has no route beyond the
 * veth's /24, so nothing in it reaches any other address; its iptables rules (DNAT for published
 * ports) are the namespace's own, and the host's tables are left alone.
 */
export interface RemoteEngine {
  /** The value for DOCKER_HOST: `tcp://10.232.x.2:2375`, or `:2376` with TLS. */
  host: string
  /** DOCKER_HOST, and with TLS DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (a folder with ca.pem, cert.pem, key.pem). */
  env: {DOCKER_HOST: string; DOCKER_TLS_VERIFY?: string; DOCKER_CERT_PATH?: string}
  /** The namespace's end of the veth, where the engine and its published ports listen. */
  address: string
  /** The network namespace's name, and the host's end of the veth. */
  namespace: string
  veth: string
  dir: string
  log: string
  /** Stops the engine (SIGTERM, wait for it to exit), removes the namespace, the veth and every file it had. */
  [Symbol.asyncDispose](): Promise<void>
}

/** Why a remote engine cannot run here, or undefined when it can. */
export async function remoteEngineUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'a network namespace and a second dockerd need root'
  for (const tool of ['dockerd', 'ip', 'nsenter', 'openssl', 'findmnt']) {
    if ((await execa('sh', ['-c', 'command -v "$1"', 'sh', tool], {reject: false})).exitCode !== 0) return `${tool} is not installed`
  }
  return undefined
}

export async function startRemoteEngine(options: {tls?: boolean} = {}): Promise<RemoteEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'limg-remote-'))
  const id = randomBytes(4).toString('hex')
  const namespace = `limg-${id}`
  const veth = `lr${id}h`
  const log = join(dir, 'dockerd.log')
  let child: ResultPromise | undefined
  const dispose = async (): Promise<void> => {
    child?.kill('SIGTERM')
    await child
    // Whatever the engine started and left behind in the namespace (shims, at worst) goes with it.
    const pids = (await execa('ip', ['netns', 'pids', namespace], {reject: false})).stdout.split('\n').filter(Boolean)
    if (pids.length > 0) await execa('kill', ['-KILL', ...pids], {reject: false})
    // nsenter switches only the network namespace, so the engine's layer and sandbox mounts are the host's.
    await unmountUnder(dir)
    // Deleting the host's end takes both ends at once; after `ip netns del` alone the kernel
    // removes the pair later, in the background, and a check right after would still see it.
    await execa('ip', ['link', 'del', veth], {reject: false})
    await execa('ip', ['netns', 'del', namespace], {reject: false})
    await rm(dir, {recursive: true, force: true})
  }
  try {
    const subnet = await freeSubnet('10.232', "the remote engine's veth")
    const address = `${subnet}.2`
    await ip(['netns', 'add', namespace])
    await ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', `lr${id}n`, 'netns', namespace])
    await ip(['addr', 'add', `${subnet}.1/24`, 'dev', veth])
    await ip(['link', 'set', veth, 'up'])
    await ip(['-n', namespace, 'addr', 'add', `${address}/24`, 'dev', `lr${id}n`])
    await ip(['-n', namespace, 'link', 'set', 'lo', 'up'])
    await ip(['-n', namespace, 'link', 'set', `lr${id}n`, 'up'])
    await writeFile(join(dir, 'daemon.json'), '{}\n')
    const tls = options.tls ? await makeCertificates(dir, address) : undefined
    const host = `tcp://${address}:${tls ? 2376 : 2375}`
    const args = [
      // Its own configuration file: /etc/docker/daemon.json belongs to the shared engine.
      '--config-file', join(dir, 'daemon.json'),
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'docker.pid'),
      '--host', `unix://${join(dir, 'docker.sock')}`,
      '--host', host,
      // Without TLS, dockerd 20.10 waits 15 s at start to show a warning, unless told plainly.
      ...(tls ? ['--tlsverify', '--tlscacert', tls.ca, '--tlscert', tls.cert, '--tlskey', tls.key] : ['--tls=false']),
    ]
    // Not `ip netns exec`: it remounts /sys for the namespace, which hides the cgroup mounts
    // under /sys/fs/cgroup, and dockerd then fails with "Devices cgroup isn't mounted".
    // iptables stays on: inside the namespace it writes the namespace's own tables.
    child = execa('nsenter', [`--net=/run/netns/${namespace}`, 'dockerd', ...args], {reject: false, stdin: 'ignore', stdout: {file: log, append: true}, stderr: {file: log, append: true}})
    let exited = false
    void child.then(() => (exited = true))
    const client = tls ? {ca: await readFile(join(tls.client, 'ca.pem')), cert: await readFile(join(tls.client, 'cert.pem')), key: await readFile(join(tls.client, 'key.pem'))} : undefined
    const deadline = Date.now() + READY_WAIT_MS
    while (!(await pings({host: address, port: tls ? 2376 : 2375, ...(client ? {tls: client} : {})}))) {
      if (exited) throw new Error('The remote dockerd exited before answering.')
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`The remote dockerd did not answer GET /_ping at ${host} within ${READY_WAIT_MS} ms.`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    const env = tls ? {DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls.client} : {DOCKER_HOST: host}
    return {host, env, address, namespace, veth, dir, log, [Symbol.asyncDispose]: dispose}
  } catch (error) {
    // The folder goes with the rest: the log is kept beside it, and its last lines travel in the error.
    const kept = `${dir}-dockerd.log`
    const tail = (await readFile(log, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-20).join('\n')
    if (tail) await rename(log, kept)
    await dispose()
    if (tail && error instanceof Error) error.message += ` Its log, kept at ${kept}, ends:\n${tail}`
    throw error
  }
}

/** A CA, a server certificate for `address` and a client certificate, as `--tlsverify` and DOCKER_CERT_PATH expect them. */
async function makeCertificates(dir: string, address: string): Promise<{ca: string; cert: string; key: string; client: string}> {
  const tls = join(dir, 'tls')
  const client = join(dir, 'client')
  await mkdir(tls)
  await mkdir(client)
  const ec = ['-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']
  const openssl = (args: string[]) => execa('openssl', args, {cwd: tls})
  await openssl(['req', '-x509', ...ec, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=limg test CA', '-addext', 'basicConstraints=critical,CA:TRUE'])
  const sign = async (name: string, key: string, cert: string, extensions: string) => {
    await writeFile(join(tls, `${name}.ext`), extensions)
    await openssl(['req', '-new', ...ec, '-keyout', key, '-out', `${name}.csr`, '-subj', `/CN=${name}`])
    await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', cert])
  }
  await sign('server', 'server-key.pem', 'server-cert.pem', `subjectAltName=IP:${address}\nextendedKeyUsage=serverAuth\n`)
  await sign('client', join(client, 'key.pem'), join(client, 'cert.pem'), 'extendedKeyUsage=clientAuth\n')
  await writeFile(join(client, 'ca.pem'), await readFile(join(tls, 'ca.pem')))
  return {ca: join(tls, 'ca.pem'), cert: join(tls, 'server-cert.pem'), key: join(tls, 'server-key.pem'), client}
}
