import {execa} from 'execa'
import {BuildFailedError} from '../errors/index.js'

const TAIL_LINES = 12

/**
 * Runs a host tool (npm, apt-get, dpkg) as an argv array and returns its stdout. A missing tool
 * or a failure becomes a BuildFailedError naming what was being fetched, with the tool's last
 * output as details.
 */
export async function runTool(
  file: string,
  args: string[],
  options: {cwd?: string; what: string; signal?: AbortSignal; env?: NodeJS.ProcessEnv},
): Promise<string> {
  try {
    const result = await execa(file, args, {
      cwd: options.cwd,
      cancelSignal: options.signal,
      env: options.env,
      stdin: 'ignore',
      maxBuffer: 64 * 1024 * 1024,
    })
    return result.stdout
  } catch (error) {
    const failure = error as {code?: string; isCanceled?: boolean; stderr?: string; stdout?: string; shortMessage?: string}
    if (failure.isCanceled && options.signal?.reason instanceof Error) throw options.signal.reason
    if (failure.code === 'ENOENT') {
      throw new BuildFailedError(
        `Cannot ${options.what}: \`${file}\` is not installed.`,
        file === 'apt-get' || file === 'dpkg'
          ? '`limg base build` fetches Debian packages with apt-get and dpkg: run it on Debian or Ubuntu, or in a container of one.'
          : `Install ${file} and make sure it is on PATH.`,
        {cause: error},
      )
    }
    const output = `${failure.stderr ?? ''}\n${failure.stdout ?? ''}`.split('\n').map((l) => l.trimEnd()).filter(Boolean)
    throw new BuildFailedError(
      `Cannot ${options.what}: \`${[file, ...args.slice(0, 2)].join(' ')}\` failed.`,
      'Check the network access to the package registry (npm) or the Debian mirror (apt), then run the command again.',
      {cause: error, details: output.slice(-TAIL_LINES)},
    )
  }
}
