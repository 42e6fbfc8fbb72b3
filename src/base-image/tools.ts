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
    const unwritten = unwrittenFiles(result.stderr)
    if (unwritten.length > 0) {
      // npm only warns when it cannot write a package's file (TAR_ENTRY_ERROR, even for ENOSPC)
      // and still exits 0: the install is incomplete and must not become a cache entry.
      throw new BuildFailedError(`Cannot ${options.what}: \`${[file, ...args.slice(0, 2)].join(' ')}\` could not write every file.`, 'Check the disk space and permissions of the folders it writes to, then run the command again.', {
        details: unwritten.slice(-TAIL_LINES),
      })
    }
    return result.stdout
  } catch (error) {
    if (error instanceof BuildFailedError) throw error
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

/** The lines where a tool said a file could not be written although it went on. */
function unwrittenFiles(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /TAR_ENTRY_ERROR|ENOSPC|No space left on device/.test(line))
}
