import {type ResultPromise, execa} from 'execa'
import {request} from '../runtime-host/http-client.js'
import type {HandlerFixture, RuntimeTarget, StopResult} from '../runtime-host/target.js'
import {TEST_LABEL, buildFunctionImage, docker, freePort, platformOf, uniqueName} from './docker-cli.js'

const READY_ATTEMPTS = 300
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A function image FROM an offline base image, run as a container with its invoke port
 * published on 127.0.0.1: the place the outcome suite's fixtures run when they run as users'
 * functions will.
 */
export class ContainerTarget implements RuntimeTarget {
  private container: string | undefined
  private image: string | undefined
  private logFollower: ResultPromise | undefined
  private output = ''
  private port = 0

  constructor(
    private readonly baseImage: string,
    private readonly arch: string,
    readonly nodeMajor: number,
  ) {}

  async start(fixture: HandlerFixture, env: Record<string, string> = {}): Promise<void> {
    this.image = await buildFunctionImage({base: this.baseImage, arch: this.arch, handler: fixture.handler, files: fixture.files, opt: fixture.opt})
    this.port = await freePort()
    this.container = uniqueName('limg-test-run')
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`])
    await docker([
      'run', '-d', '--name', this.container, '--label', TEST_LABEL, '--platform', platformOf(this.arch),
      '-p', `127.0.0.1:${this.port}:8080`, ...envArgs, this.image,
    ])
    this.logFollower = execa('docker', ['logs', '-f', this.container], {reject: false, stdin: 'ignore', buffer: false})
    this.logFollower.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')))
    this.logFollower.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')))
    // The engine's port proxy accepts connections before the emulator listens: wait for an HTTP answer.
    for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
      const answer = await request(`http://127.0.0.1:${this.port}/ready-check`, {method: 'GET'}).catch(() => undefined)
      if (answer && answer.status === 404) return
      const state = await docker(['inspect', '-f', '{{.State.Running}}', this.container], {reject: false})
      if (state.stdout.trim() !== 'true') throw new Error(`container ${this.container} stopped before listening:\n${this.output}`)
      await sleep(100)
    }
    throw new Error(`container ${this.container} never answered on port ${this.port}:\n${this.output}`)
  }

  invokeUrl(): string {
    return `http://127.0.0.1:${this.port}/2015-03-31/functions/function/invocations`
  }

  async stop(): Promise<StopResult> {
    const container = this.container
    const image = this.image
    this.container = undefined
    this.image = undefined
    let result: StopResult = {exitCode: null}
    if (container) {
      await docker(['stop', '-t', '10', container], {reject: false})
      const code = await docker(['inspect', '-f', '{{.State.ExitCode}}', container], {reject: false})
      if (code.exitCode === 0) result = {exitCode: Number(code.stdout.trim())}
      await this.logFollower
      await docker(['rm', '-f', container], {reject: false})
    }
    if (image) await docker(['rmi', '-f', image], {reject: false})
    return result
  }

  logs(): string {
    return this.output
  }
}
