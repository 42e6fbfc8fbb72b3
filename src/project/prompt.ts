import {createInterface} from 'node:readline/promises'
import {InterruptedError, InvalidInputError} from '../errors/index.js'
import type {Ask, InitQuestion} from './init.js'

export interface Prompter {
  ask: Ask
  close(): void
}

/**
 * Questions on a terminal with node:readline, defaults in brackets; an empty answer takes
 * the default, and an answer outside the choices (or failing validate) asks again.
 * Lines typed ahead are kept for the next question rather than dropped. Ctrl-C rejects
 * with InterruptedError; the input ending (Ctrl-D) with InvalidInputError.
 */
export function createPrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  const rl = createInterface({input, output, terminal: true})
  const lines: string[] = []
  let waiting: {resolve: (line: string) => void; reject: (error: Error) => void} | undefined
  let ended: Error | undefined
  const fail = (error: Error): void => {
    ended ??= error
    waiting?.reject(ended)
    waiting = undefined
  }
  rl.on('line', (line) => {
    if (waiting) {
      waiting.resolve(line)
      waiting = undefined
    } else lines.push(line)
  })
  rl.on('SIGINT', () => fail(new InterruptedError()))
  rl.on('close', () => fail(new InvalidInputError('The input ended before every question was answered.', 'Pass the values as flags, or --yes to take the defaults.')))

  const nextLine = (prompt: string): Promise<string> => {
    rl.setPrompt(prompt)
    rl.prompt()
    const queued = lines.shift()
    if (queued !== undefined) {
      output.write(`${queued}\n`)
      return Promise.resolve(queued)
    }
    if (ended) return Promise.reject(ended)
    return new Promise((resolve, reject) => {
      waiting = {resolve, reject}
    })
  }

  const ask = async (question: InitQuestion): Promise<string> => {
    const choices = question.choices ? ` (${question.choices.join(', ')})` : ''
    for (;;) {
      const reply = (await nextLine(`${question.message}${choices} [${question.default}]: `)).trim()
      const answer = reply === '' ? question.default : reply
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
  return {
    ask,
    close: () => {
      rl.removeAllListeners('close')
      rl.close()
    },
  }
}
