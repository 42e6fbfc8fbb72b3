import {createInterface} from 'node:readline/promises'
import {InterruptedError} from '../errors/index.js'
import type {Ask, InitQuestion} from './init.js'

export interface Prompter {
  ask: Ask
  close(): void
}

/**
 * Questions on a terminal with node:readline, defaults in brackets; an empty answer takes
 * the default, and an answer outside the choices (or failing validate) asks again.
 * Ctrl-C rejects with InterruptedError.
 */
export function createPrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  const rl = createInterface({input, output, terminal: true})
  const controller = new AbortController()
  rl.on('SIGINT', () => controller.abort())
  const ask = async (question: InitQuestion): Promise<string> => {
    const choices = question.choices ? ` (${question.choices.join(', ')})` : ''
    for (;;) {
      let reply: string
      try {
        reply = await rl.question(`${question.message}${choices} [${question.default}]: `, {signal: controller.signal})
      } catch (error) {
        if (controller.signal.aborted) throw new InterruptedError()
        throw error
      }
      const answer = reply.trim() === '' ? question.default : reply.trim()
      if (question.choices && !question.choices.includes(answer)) {
        output.write(`Choose one of: ${question.choices.join(', ')}.\n`)
        continue
      }
      try {
        question.validate?.(answer)
      } catch (error) {
        output.write(`${(error as Error).message}\n`)
        continue
      }
      return answer
    }
  }
  return {ask, close: () => rl.close()}
}
