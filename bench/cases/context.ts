import {cp, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {ensureBaseImage} from '../../test/support/base-images.js'
import {INJECTED_DOCKERFILE, withLabels} from '../../src/build/build.js'
import {packContext} from '../../src/context/pack.js'
import {type CaseResult, type Row, median} from '../lib/report.js'
import {BENCH_TEMPLATES, RUNTIME, type BenchSession} from '../lib/session.js'
import {generateNodeModules, initProject} from '../lib/projects.js'
import {elapsedMs} from '../lib/stats.js'

const SIZE_UNITS: Record<string, number> = {B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9}

/**
 * Case 4: a project whose node_modules holds tens of thousands of small files, kept out by
 * the .dockerignore `limg init` writes. limg's context packer (src/context/) against the
 * Docker CLI's: time to pack and bytes sent, then the whole build of a trivial Dockerfile
 * both ways.
 */
export async function contextCase(session: BenchSession, runs: number, files: number): Promise<CaseResult> {
  const arch = 'x86_64'
  const base = await ensureBaseImage(RUNTIME, arch)
  const root = await session.tempDir('context')
  const dir = join(root, 'fn')
  const name = session.projectName('c')
  await initProject(session, dir, name)
  const generated = await generateNodeModules(dir, files)
  const trivial = await readFile(join(BENCH_TEMPLATES, 'trivial.Dockerfile'), 'utf8')
  const limgDockerfile = join(root, 'trivial.Dockerfile')
  await writeFile(limgDockerfile, trivial)
  // What limg sends for it: the same text with its LABEL line. The docker CLI gets that too,
  // with the bench label in the same instruction (no extra step).
  const labels = {limg: 'true', 'limg.project': name, 'limg.runtime': RUNTIME, 'limg.arch': arch}
  const sentText = withLabels(trivial, labels)
  const dockerDockerfile = join(root, 'trivial-as-sent.Dockerfile')
  await writeFile(dockerDockerfile, withLabels(trivial, {'limg.bench': session.id, ...labels}))
  const limgTag = `${session.tag('c-limg')}:latest`
  const dockerTag = `${session.tag('c-docker')}:latest`
  const dockerDir = join(root, 'fn-docker')
  await cp(dir, dockerDir, {recursive: true})

  const pack: number[] = []
  const packBytes: number[] = []
  const dockerSent: number[] = []
  const limgBuild: number[] = []
  const dockerBuild: number[] = []
  const packOnce = async (): Promise<void> => {
    const start = process.hrtime.bigint()
    const context = packContext(dir, {inject: [{path: INJECTED_DOCKERFILE, content: sentText}], engineDrops: [INJECTED_DOCKERFILE]})
    let bytes = 0
    for await (const chunk of context.stream) bytes += (chunk as Buffer).length
    pack.push(elapsedMs(start))
    packBytes.push(bytes)
  }
  const limgOnce = async (): Promise<void> => {
    limgBuild.push((await session.limg(['build', '--json', '--arch', arch, '--base-image', base, '--dockerfile', limgDockerfile, '--tag', limgTag], dir)).ms)
  }
  const dockerOnce = async (): Promise<void> => {
    const run = await session.docker(['build', '-f', dockerDockerfile, '--platform', 'linux/amd64', '--build-arg', `BASE_IMAGE=${base}`, '-t', dockerTag, dockerDir])
    session.trackBuildOutput(run.stdout)
    const sent = /Sending build context to Docker daemon\s+([\d.]+)\s*([kKMG]?B)/.exec(run.stdout + run.stderr)
    if (!sent) throw new Error(`docker build printed no "Sending build context" line:\n${run.stderr.slice(-1000)}`)
    dockerSent.push(Math.round(Number(sent[1]) * SIZE_UNITS[sent[2]]))
    dockerBuild.push(run.ms)
  }
  // One unmeasured round: page cache and layer cache as on any later build.
  await packOnce()
  await limgOnce()
  await dockerOnce()
  pack.length = 0
  packBytes.length = 0
  dockerSent.length = 0
  limgBuild.length = 0
  dockerBuild.length = 0
  for (let i = 0; i < runs; i++) {
    const steps = i % 2 === 0 ? [packOnce, limgOnce, dockerOnce] : [dockerOnce, limgOnce, packOnce]
    for (const step of steps) await step()
  }
  const rows: Row[] = [
    {measure: `context packing (${generated.files} files ignored)`, tool: 'limg packContext', unit: 'ms', samples: pack},
    {measure: 'context bytes sent', tool: 'limg packContext', unit: 'bytes', samples: packBytes, versus: 'docker CLI'},
    {measure: 'context bytes sent', tool: 'docker CLI', unit: 'bytes', samples: dockerSent, details: {note: 'as the CLI prints it, rounded to its unit'}},
    {measure: 'trivial build, large node_modules', tool: 'limg build', unit: 'ms', samples: limgBuild, versus: 'docker build'},
    {measure: 'trivial build, large node_modules', tool: 'docker build', unit: 'ms', samples: dockerBuild},
  ]
  const limg = median(rows, 'trivial build, large node_modules', 'limg build') ?? Number.NaN
  const docker = median(rows, 'trivial build, large node_modules', 'docker build') ?? Number.NaN
  return {
    id: 4,
    key: 'context',
    title: 'Context',
    available: true,
    rows,
    targets: [
      {name: 'limg build at most 1.5x docker build, trivial Dockerfile with a large ignored node_modules', met: limg <= 1.5 * docker, detail: `${limg.toFixed(0)} ms vs ${docker.toFixed(0)} ms = ${(limg / docker).toFixed(2)}x`},
    ],
    note: `node_modules: ${generated.files} files, ${(generated.bytes / 1024 ** 2).toFixed(1)} MiB, excluded by .dockerignore.`,
  }
}
