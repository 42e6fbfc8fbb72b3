import {strict as assert} from 'node:assert'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {limg} from '../../support/cli.js'
import {type RemoteEngine, remoteEngineUnavailable, startRemoteEngine} from '../../support/remote-engine.js'
import {type RemoteSsh, remoteSshUnavailable, startRemoteSsh} from '../../support/remote-ssh.js'
import {RUN_ID, TEST_LABEL} from './support/fixture.js'

const BASE = 'limg-offline/nodejs:22-x86_64'

function post(url: string, body: string): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request(url, {method: 'POST', timeout: 30_000}, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: text}))
    })
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** Containers labelled with this run's id on the engine `env` names. */
async function leftovers(env: NodeJS.ProcessEnv): Promise<string> {
  const {stdout} = await execa('docker', ['ps', '-aq', '--filter', `label=${TEST_LABEL}=${RUN_ID}`], {env})
  return stdout.trim()
}

const WAYS = {tls: 'TLS', tcp: 'plain TCP', ssh: 'SSH (ssh://root@host, through the agent)'} as const
type Way = keyof typeof WAYS

// TLS needs an engine of its own; plain TCP and SSH reach one engine, whose base image is built once.
for (const ways of [['tls'], ['tcp', 'ssh']] as Way[][]) {
  describe(`a remote engine over ${ways.map((way) => WAYS[way]).join(' and ')}: build, run, invoke, logs and stop`, function () {
    this.timeout(600_000)
    let engine: RemoteEngine | undefined
    let ssh: RemoteSsh | undefined
    let project = ''
    const envFor = (way: Way): NodeJS.ProcessEnv => ({...process.env, ...engine!.env, ...(way === 'ssh' ? ssh!.env : {}), LIMG_LABELS: `${TEST_LABEL}=${RUN_ID}`, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt'})

    before(async function () {
      const why = (await remoteEngineUnavailable()) ?? (ways.includes('ssh') ? await remoteSshUnavailable() : undefined)
      if (why) throw new Error(`The remote-engine tests need a second dockerd in a network namespace (and an sshd for ssh://), and ${why}.`)
      engine = await startRemoteEngine({tls: ways.includes('tls')})
      ssh = ways.includes('ssh') ? await startRemoteSsh(engine) : undefined
      const env = envFor(ways[0]!)
      project = await mkdtemp(join(tmpdir(), 'limg-remote-fn-'))
      // The remote engine has no image: its base is built there, as a user of a fresh build server would.
      const base = await limg(['base', 'build', '--runtime', 'nodejs22.x', '--arch', 'x86_64', '--json'], project, {env})
      assert.equal(base.exitCode, 0, base.stderr)
      const init = await limg(['init', 'fn', '--template', 'esm', '--runtime', 'nodejs22.x', '--yes', '--json'], project, {env})
      assert.equal(init.exitCode, 0, init.stderr)
      project = join(project, 'fn')
    })

    after(async function () {
      if (engine) {
        await limg(['stop'], project, {env: envFor(ways[0]!)}).catch(() => undefined)
        await ssh?.[Symbol.asyncDispose]()
        await engine[Symbol.asyncDispose]()
      }
      if (project) await rm(join(project, '..'), {recursive: true, force: true})
    })

    for (const way of ways) {
      it(`over ${WAYS[way]}: publishes the function on the engine host's address, answers there, and leaves nothing behind`, async function () {
        const remote = engine!
        const env = envFor(way)
        const build = await limg(['build', '--base-image', BASE, '--json'], project, {env})
        assert.equal(build.exitCode, 0, build.stderr)

        const run = await limg(['run', '--detach', '--http', '0', '--json'], project, {env})
        assert.equal(run.exitCode, 0, run.stderr)
        const started = run.json as {endpoint: string; host: string; port: number; http: {url: string}}
        assert.equal(started.host, remote.address)
        assert.equal(new URL(started.endpoint).hostname, remote.address)

        // The emulator answers at the engine's address; the host's loopback has nothing there.
        const direct = await post(started.endpoint, '{"name":"remote"}')
        assert.equal(direct.status, 200, direct.body)
        await assert.rejects(post(started.endpoint.replace(remote.address, '127.0.0.1'), '{}'), /ECONNREFUSED/)

        const invoke = await limg(['invoke', '--event', '-', '--json'], project, {env, input: '{"name":"Ada"}'})
        assert.equal(invoke.exitCode, 0, invoke.stderr)
        assert.equal(invoke.json.outcome, 'success')
        assert.match(JSON.stringify(invoke.json.payload), /Ada/)

        // The front door listens here and carries the request to the remote emulator.
        const viaDoor = await post(`${started.http.url}/hello`, '')
        assert.equal(viaDoor.status, 200, viaDoor.body)

        const logs = await limg(['logs'], project, {env})
        assert.equal(logs.exitCode, 0, logs.stderr)
        assert.match(logs.stdout + logs.stderr, /REPORT RequestId:/)

        const stop = await limg(['stop', '--json'], project, {env})
        assert.equal(stop.exitCode, 0, stop.stderr)
        // Asked over TCP: the docker CLI's ssh:// goes through OpenSSH and the user's own known_hosts.
        assert.equal(await leftovers({...process.env, ...remote.env}), '', 'a container of this test is left on the remote engine')
        assert.equal(await leftovers({...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock'}), '', 'a container of this test is on the local engine')
      })
    }

    if (ways.includes('ssh')) {
      it('over SSH: refuses a host not in known_hosts, or with another key (exit 3), saying how to check and record it', async () => {
        const knownHosts = join(ssh!.env.HOME, '.ssh', 'known_hosts')
        await writeFile(knownHosts, '')
        const unknown = await limg(['stop', '--json'], tmpdir(), {env: {...process.env, ...ssh!.env}})
        assert.equal(unknown.exitCode, 3, unknown.stdout)
        assert.match(String((unknown.json.error as {message: string}).message), new RegExp(`did not connect to the SSH host ${engine!.address.replace(/\./g, '\\.')} of ssh://root@.*: it is not in .*known_hosts`))
        assert.match(String((unknown.json.error as {suggestion: string}).suggestion), new RegExp(`connecting once with \`ssh root@${engine!.address.replace(/\./g, '\\.')}\``))
        // Another machine's key under this host's name.
        const [address, type, key] = ssh!.knownHost.split(' ')
        const other = Buffer.from(key!, 'base64')
        other[other.length - 1] ^= 0xff
        await writeFile(knownHosts, `${address} ${type} ${other.toString('base64')}\n`)
        const changed = await limg(['stop', '--json'], tmpdir(), {env: {...process.env, ...ssh!.env}})
        assert.equal(changed.exitCode, 3)
        assert.match(String((changed.json.error as {message: string}).message), /REMOTE HOST IDENTIFICATION HAS CHANGED/)
      })
    }
  })
}
