import {createInterface} from 'node:readline/promises'
import {InterruptedError} from '../errors/index.js'

/** A yes/no question on a terminal; anything but "y" or "yes" is no. Ctrl-C rejects with InterruptedError. */
export async function confirm(question: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<boolean> {
  const rl = createInterface({input, output, terminal: true})
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      rl.on('SIGINT', () => reject(new InterruptedError()))
      rl.on('close', () => resolve(''))
      rl.question(`${question} (yes, no) [no]: `).then(resolve, reject)
    })
    return /^(y|yes)$/i.test(answer.trim())
  } finally {
    rl.removeAllListeners('close')
    rl.close()
  }
}
