import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {ensureBaseImage} from '../../test/support/base-images.js'
import {type CaseResult, type Row, median} from '../lib/report.js'
import {CA_BUNDLE, RUNTIME, type BenchSession} from '../lib/session.js'
import {dockerTwin, initProject, limgDockerfile, setGreeting} from '../lib/projects.js'

type Arch = 'x86_64' | 'arm64'
// In this order: a rebuild with nothing changed follows an ordinary build, as it does for users.
const KINDS = ['cold', 'one-line change', 'no change'] as const
type Kind = (typeof KINDS)[number]

interface Subject {
  tool: 'limg build' | 'docker build'
  dir: string
  build(kind: Kind): Promise<{ms: number; details?: Record<string, unknown>}>
}

/**
 * Case 2: `limg build` beside `docker build` (the engine's classic builder, the one limg
 * drives) of the identical Dockerfile and context, cold (--no-cache, base image present),
 * with nothing changed, and after a one-line handler change. The two take turns going
 * first, and each change is unique to its tool so neither reuses the other's layers.
 */
export async function buildCase(session: BenchSession, runs: number, archs: Arch[]): Promise<CaseResult> {
  const rows: Row[] = []
  const notes: string[] = []
  for (const arch of archs) {
    const base = await ensureBaseImage(RUNTIME, arch)
    const root = await session.tempDir(`build-${arch}`)
    const name = session.projectName(`b-${arch === 'x86_64' ? 'x' : 'a'}`)
    const limgDir = join(root, 'fn')
    await initProject(session, limgDir, name)
    const twinDir = join(root, 'fn-docker')
    await dockerTwin(limgDir, twinDir)
    const dockerfile = await limgDockerfile(session, limgDir, arch, base, {'limg.bench': session.id})
    const dockerfilePath = join(root, 'limg-build.Dockerfile')
    await writeFile(dockerfilePath, dockerfile.text)
    const limgTag = `${session.tag(`b-limg-${arch}`)}:latest`
    const dockerTag = `${session.tag(`b-docker-${arch}`)}:latest`

    const subjects: Subject[] = [
      {
        tool: 'limg build',
        dir: limgDir,
        async build(kind) {
          const args = ['build', '--json', '--arch', arch, '--base-image', base, '--ca-cert', CA_BUNDLE, '--tag', limgTag]
          const run = await session.limg(kind === 'cold' ? [...args, '--no-cache'] : args, limgDir)
          const result = JSON.parse(run.stdout) as {durationMs: number; steps: number; cachedSteps: number; sizeBytes: number}
          return {ms: run.ms, details: {limgDurationMs: result.durationMs, steps: result.steps, cachedSteps: result.cachedSteps}}
        },
      },
      {
        tool: 'docker build',
        dir: twinDir,
        async build(kind) {
          const args = ['build', '-f', dockerfilePath, '--platform', dockerfile.platform, '--build-arg', `BASE_IMAGE=${base}`, '-t', dockerTag, twinDir]
          const run = await session.docker(kind === 'cold' ? ['build', '--no-cache', ...args.slice(1)] : args)
          session.trackBuildOutput(run.stdout)
          return {ms: run.ms}
        },
      },
    ]
    const samples = new Map<string, number[]>()
    const details = new Map<string, Record<string, unknown>[]>()
    // Not measured: the first build of each, so "cold" runs with the dependency stage image known to the engine like any later build.
    for (const subject of subjects) await subject.build('no change')
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? subjects : [...subjects].reverse()
      for (const kind of KINDS) {
        for (const subject of order) {
          if (kind === 'one-line change') await setGreeting(subject.dir, `Hello from ${subject.tool} ${i}`)
          const run = await subject.build(kind)
          const key = `${kind}\u0000${subject.tool}`
          samples.set(key, [...(samples.get(key) ?? []), run.ms])
          if (run.details) details.set(key, [...(details.get(key) ?? []), run.details])
        }
      }
    }
    for (const kind of KINDS) {
      for (const subject of subjects) {
        const key = `${kind}\u0000${subject.tool}`
        rows.push({
          measure: `${kind} build ${arch}`,
          tool: subject.tool,
          unit: 'ms',
          samples: samples.get(key) ?? [],
          ...(subject.tool === 'limg build' ? {versus: 'docker build', details: {runs: details.get(key)}} : {}),
        })
      }
    }
    if (arch === 'arm64') notes.push('arm64 builds run under qemu-user emulation on this x86_64 machine.')
  }
  // The targets of the fixed-cost work: a cold build at most 1.05x docker build, a one-line change at most 1.1x.
  const bound = (kind: (typeof KINDS)[number]): number | undefined => (kind === 'cold' ? 1.05 : kind === 'one-line change' ? 1.1 : undefined)
  const targets = KINDS.flatMap((kind) =>
    archs.flatMap((arch) => {
      const limit = bound(kind)
      if (limit === undefined) return []
      const limg = median(rows, `${kind} build ${arch}`, 'limg build') ?? Number.NaN
      const docker = median(rows, `${kind} build ${arch}`, 'docker build') ?? Number.NaN
      return [{
        name: `limg build at most ${limit}x docker build, ${kind}, ${arch}`,
        met: limg <= limit * docker,
        detail: `${limg.toFixed(0)} ms vs ${docker.toFixed(0)} ms = ${(limg / docker).toFixed(2)}x (${(limg - docker).toFixed(0)} ms)`,
      }]
    }),
  )
  return {id: 2, key: 'build', title: 'Build', available: true, rows, targets, ...(notes.length > 0 ? {note: notes.join(' ')} : {})}
}
