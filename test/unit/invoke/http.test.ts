import {strict as assert} from 'node:assert'
import {type Server, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {InterruptedError} from '../../../src/errors/index.js'
import {postInvocation} from '../../../src/invoke/http.js'

describe('postInvocation', () => {
  let server: Server
  let port: number
  let received: Promise<void>

  beforeEach(async () => {
    let arrived!: () => void
    received = new Promise((resolve) => (arrived = resolve))
    // An emulator busy with a long invocation: it takes the request and answers nothing yet.
    server = createServer(() => arrived())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterEach(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('rejects with the abort reason when interrupted, rather than reporting an emulator failure', async () => {
    const controller = new AbortController()
    const reply = postInvocation({host: '127.0.0.1', port}, Buffer.from('{}'), controller.signal)
    await received
    controller.abort(new InterruptedError('SIGINT'))
    await assert.rejects(reply, (error: unknown) => error instanceof InterruptedError && error.exitCode === 130)
  })

  it('still reports a connection the emulator drops as a value', async () => {
    server.removeAllListeners('request')
    server.on('request', (req) => req.socket.destroy())
    const reply = await postInvocation({host: '127.0.0.1', port}, Buffer.from('{}'))
    assert.ok('error' in reply, JSON.stringify(reply))
  })
})
