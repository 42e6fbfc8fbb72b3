import {strict as assert} from 'node:assert'
import {containerHost, remoteHostname} from '../../../src/run/container-host.js'
import {endpointHost} from '../../../src/run/find.js'

describe('where a function\'s ports are published and reached', () => {
  it('on a local engine: the loopback, for both', async () => {
    assert.deepEqual(await containerHost('unix:///var/run/docker.sock', {}, {}), {connect: '127.0.0.1', bind: '127.0.0.1'})
  })

  it('on a remote engine: the address DOCKER_HOST names, tcp:// and ssh:// alike, IPv6 without brackets', async () => {
    assert.deepEqual(await containerHost('tcp://10.1.2.3:2376', {}, {}), {connect: '10.1.2.3', bind: '10.1.2.3'})
    assert.deepEqual(await containerHost('ssh://deploy@10.1.2.4', {}, {}), {connect: '10.1.2.4', bind: '10.1.2.4'})
    assert.deepEqual(await containerHost('tcp://[fd00::5]:2375', {}, {}), {connect: 'fd00::5', bind: 'fd00::5'})
    assert.deepEqual(await containerHost('tcp://localhost:2375', {}, {}), {connect: 'localhost', bind: '127.0.0.1'})
  })

  it('takes --container-host and --container-host-interface over the defaults, and their variables under them', async () => {
    assert.deepEqual(await containerHost('tcp://10.1.2.3:2375', {host: 'build.example', bindInterface: '0.0.0.0'}, {}), {connect: 'build.example', bind: '0.0.0.0'})
    const env = {LIMG_CONTAINER_HOST: 'nat.example', LIMG_CONTAINER_HOST_INTERFACE: '10.9.9.9'}
    assert.deepEqual(await containerHost('tcp://10.1.2.3:2375', {}, env), {connect: 'nat.example', bind: '10.9.9.9'})
    assert.deepEqual(await containerHost('tcp://10.1.2.3:2375', {bindInterface: '0.0.0.0'}, env), {connect: 'nat.example', bind: '0.0.0.0'})
  })

  it('refuses an interface that is not an address, and a host name that does not resolve, each with what to do', async () => {
    await assert.rejects(containerHost('tcp://10.1.2.3:2375', {bindInterface: 'eth0'}, {}), /"eth0" is not an IP address/)
    await assert.rejects(containerHost('tcp://no-such-host.invalid:2375', {}, {}), /Cannot resolve the engine host no-such-host\.invalid to an address/)
  })

  it('reads the engine host from a target, and the host an endpoint label names', () => {
    assert.equal(remoteHostname('unix:///run/podman/podman.sock'), undefined)
    assert.equal(remoteHostname('tcp://engine:2375'), 'engine')
    assert.equal(endpointHost('http://10.1.2.3:9000/2015-03-31/functions/function/invocations'), '10.1.2.3')
    assert.equal(endpointHost(undefined), undefined)
  })
})

describe('the endpoint of a function on an IPv6 engine host', () => {
  it('puts the address in brackets, and reads it back without them', async () => {
    const {invokeUrl} = await import('../../../src/run/emulator.js')
    const url = invokeUrl(9000, 'fd00::5')
    assert.equal(url, 'http://[fd00::5]:9000/2015-03-31/functions/function/invocations')
    assert.equal(endpointHost(url), 'fd00::5')
  })
})
