export interface BenchOptions {
  /** Repetitions of each measured case (the start-up case repeats more: it is cheap and noisy). */
  runs: number
  cases: Set<number>
  /** Files generated in the context case's node_modules. */
  contextFiles: number
  /** Warm invocations per client in the invoke case. */
  invocations: number
  /** Architectures of the build case. */
  archs: Array<'x86_64' | 'arm64'>
}

export const CASE_KEYS = ['startup', 'build', 'template', 'context', 'invoke', 'push', 'front', 'direct', 'functions'] as const

const USAGE = `npm run bench -- [--runs N] [--cases startup,build,...|1,2,...] [--files N] [--invocations N] [--arch x86_64,arm64]
  --runs         repetitions of each case (default 3; env BENCH_RUNS)
  --cases        which cases to run (default all): ${CASE_KEYS.map((k, i) => `${i + 1}=${k}`).join(' ')}
  --files        files in the generated node_modules of the context case (default 30000)
  --invocations  warm invocations per client in the invoke case (default 40)
  --arch         architectures of the build case (default x86_64,arm64)`

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const options: BenchOptions = {
    runs: positive(env.BENCH_RUNS ?? '3', 'BENCH_RUNS'),
    cases: new Set(CASE_KEYS.map((_, i) => i + 1)),
    contextFiles: 30_000,
    invocations: 40,
    archs: ['x86_64', 'arm64'],
  }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2)
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`)
      return v
    }
    switch (flag) {
      case '--runs': options.runs = positive(value(), flag); break
      case '--files': options.contextFiles = positive(value(), flag); break
      case '--invocations': options.invocations = positive(value(), flag); break
      case '--cases': options.cases = new Set(value().split(',').map(caseNumber)); break
      case '--arch': options.archs = value().split(',').map(arch); break
      case '--help': case '-h': console.log(USAGE); process.exit(0); break
      default: throw new Error(`Unknown option ${argv[i]}\n${USAGE}`)
    }
  }
  return options
}

function positive(text: string, name: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, not "${text}"`)
  return n
}

function caseNumber(text: string): number {
  const byKey = CASE_KEYS.indexOf(text.trim() as (typeof CASE_KEYS)[number])
  const n = byKey >= 0 ? byKey + 1 : Number(text)
  if (!Number.isInteger(n) || n < 1 || n > CASE_KEYS.length) throw new Error(`Unknown case "${text}": use ${CASE_KEYS.join(', ')} or 1-${CASE_KEYS.length}`)
  return n
}

function arch(text: string): 'x86_64' | 'arm64' {
  if (text !== 'x86_64' && text !== 'arm64') throw new Error(`Unknown architecture "${text}": use x86_64 or arm64`)
  return text
}
