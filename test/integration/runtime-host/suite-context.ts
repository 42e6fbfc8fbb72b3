import {strict as assert} from 'node:assert'

import {type HttpAnswer, request} from './http-client.js'
import type {HandlerFixture, RuntimeTarget} from './target.js'

export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
export const ISO_TIME = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z'
export const MAX_PAYLOAD = 6291556

/** Whose emulator answers: limg's, or AWS's aws-lambda-rie with limg's runtime client behind it. */
export type EmulatorKind = 'limg' | 'aws'

/** What one test of the outcome suite works with; `target` is a fresh one for every test. */
export interface OutcomeSuite {
  readonly target: RuntimeTarget
  readonly emulator: EmulatorKind
  /** Another target of the same kind, for tests that share one function (its owner stops it). */
  createTarget(): RuntimeTarget
  invoke(event?: unknown, headers?: Record<string, string>, method?: string): Promise<HttpAnswer>
  waitForLogs(predicate: (logs: string) => boolean, what: string): Promise<string>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function outcomeSuite(emulator: EmulatorKind, currentTarget: () => RuntimeTarget, createTarget: () => RuntimeTarget): OutcomeSuite {
  return {
    get target() {
      return currentTarget()
    },
    emulator,
    createTarget,
    invoke: (event = {}, headers = {}, method = 'POST') =>
      request(currentTarget().invokeUrl(), {method, headers, body: JSON.stringify(event)}),
    async waitForLogs(predicate, what) {
      for (let i = 0; i < 400; i++) {
        const logs = currentTarget().logs()
        if (predicate(logs)) return logs
        await sleep(25)
      }
      assert.fail(`logs never showed ${what}:\n${currentTarget().logs()}`)
    },
  }
}

export function cjs(source: string): HandlerFixture {
  return {handler: 'index.handler', files: {'index.js': source}}
}

// One handler module that can be told by its event to misbehave, and that
// counts its invokes so a test can tell a warm runtime from a fresh one.
export const BEHAVIOURS = cjs(`
let invokes = 0
console.log('init of behaviours')
exports.handler = async (event, context) => {
  invokes++
  if (typeof event === 'string') return {length: event.length}
  if (event.throw) throw new TypeError(event.throw)
  if (event.exit !== undefined) process.exit(event.exit)
  if (event.hang) await new Promise((r) => setTimeout(r, 600000))
  if (event.size) return 'x'.repeat(event.size)
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep))
  return {invokes, echo: event.echo, requestId: context.awsRequestId}
}
`)

/**
 * The request ids of END lines: the ids the runtime saw. (AWS's emulator prints another,
 * unrelated id in START.)
 */
export const endIds = (logs: string) => [...logs.matchAll(new RegExp(`^END RequestId: (${UUID})$`, 'gm'))].map((m) => m[1])
export const startIds = (logs: string) => [...logs.matchAll(new RegExp(`^START RequestId: (${UUID}) Version: `, 'gm'))].map((m) => m[1])
export const countOf = (logs: string, text: string) => logs.split(text).length - 1

export function assertPlain(answer: HttpAnswer): void {
  assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8')
  assert.equal(answer.headers['x-amz-function-error'], undefined)
}

/** What AWS's Node.js runtime of each major does differently (limg's runtime-features.js, stated again). */
export const runtimeOf = (nodeMajor: number) => ({
  refusesCallbacks: nodeMajor >= 24,
  warnsOfCallbacks: nodeMajor >= 18 && nodeMajor < 24,
  esModulesFromNodePath: nodeMajor >= 18,
  topLevelAwait: nodeMajor >= 14,
  initErrorLabel: nodeMajor >= 24 ? 'Init Error' : 'Uncaught Exception',
})
