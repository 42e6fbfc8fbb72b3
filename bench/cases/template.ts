import {appendFile, cp, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {ensureBaseImage} from '../../test/support/base-images.js'
import {type CaseResult, type Row, median} from '../lib/report.js'
import {BENCH_TEMPLATES, CA_BUNDLE, RUNTIME, type BenchSession} from '../lib/session.js'
import {addDependencies, DEPENDENCIES, initProject, setGreeting} from '../lib/projects.js'

/** "Small fraction": the one-line rebuild with limg's template at most a quarter of the SAM pattern's. */
const FRACTION = 0.25

/**
 * Case 3: the same one-line handler change rebuilt with limg's template (dependencies in
 * their own stage, code copied last) beside the single-stage pattern AWS SAM's Node.js
 * image template uses (handler and package files copied together, then `npm install`),
 * for a function with a few real pure-JS dependencies installed through the CA.
 */
export async function templateCase(session: BenchSession, runs: number): Promise<CaseResult> {
  const arch = 'x86_64'
  const base = await ensureBaseImage(RUNTIME, arch)
  const root = await session.tempDir('template')
  const limgDir = join(root, 'fn')
  await initProject(session, limgDir, session.projectName('t'))
  await addDependencies(limgDir)
  const samDir = join(root, 'fn-sam')
  await cp(limgDir, samDir, {recursive: true})
  await cp(CA_BUNDLE, join(samDir, '.bench-ca.pem'))
  // limg init's .dockerignore keeps *.pem out at any depth: this one CA goes in, as limg's does.
  await appendFile(join(samDir, '.dockerignore'), '\n!.bench-ca.pem\n')
  const samDockerfile = join(root, 'sam.Dockerfile')
  const samText = await readFile(join(BENCH_TEMPLATES, 'sam-nodejs.Dockerfile'), 'utf8')
  // limg's build ends in one LABEL step too; this one carries the bench label for clean-up.
  await writeFile(samDockerfile, `${samText.trimEnd()}\nLABEL "limg.bench"="${session.id}"\n`)
  const limgTag = `${session.tag('t-limg')}:latest`
  const samTag = `${session.tag('t-sam')}:latest`

  const subjects = [
    {
      tool: "limg's template",
      dir: limgDir,
      build: async () => (await session.limg(['build', '--json', '--arch', arch, '--base-image', base, '--ca-cert', CA_BUNDLE, '--tag', limgTag], limgDir)).ms,
    },
    {
      tool: 'SAM pattern',
      dir: samDir,
      build: async () => {
        const run = await session.docker(['build', '-f', samDockerfile, '--platform', 'linux/amd64', '--build-arg', `BASE_IMAGE=${base}`, '-t', samTag, samDir])
        session.trackBuildOutput(run.stdout)
        return run.ms
      },
    },
  ]
  for (const subject of subjects) await subject.build()
  const samples = subjects.map(() => [] as number[])
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? [0, 1] : [1, 0]
    for (const s of order) {
      await setGreeting(subjects[s].dir, `Hello from ${subjects[s].tool} ${i}`)
      samples[s].push(await subjects[s].build())
    }
  }
  const sizes = await Promise.all([limgTag, samTag].map(async (tag) => Number((await session.docker(['image', 'inspect', '-f', '{{.Size}}', tag])).stdout.trim())))
  const baseSize = Number((await session.docker(['image', 'inspect', '-f', '{{.Size}}', base])).stdout.trim())
  const measure = 'one-line change rebuild, 4 deps'
  const rows: Row[] = [
    {measure, tool: subjects[0].tool, unit: 'ms', samples: samples[0], versus: subjects[1].tool, details: {dependencies: DEPENDENCIES}},
    {measure, tool: subjects[1].tool, unit: 'ms', samples: samples[1]},
    {measure: 'image size', tool: subjects[0].tool, unit: 'bytes', samples: [sizes[0]], versus: subjects[1].tool},
    {measure: 'image size', tool: subjects[1].tool, unit: 'bytes', samples: [sizes[1]]},
    {measure: 'image size', tool: 'base image', unit: 'bytes', samples: [baseSize]},
  ]
  const limg = median(rows, measure, subjects[0].tool) ?? Number.NaN
  const sam = median(rows, measure, subjects[1].tool) ?? Number.NaN
  return {
    id: 3,
    key: 'template',
    title: 'Template quality',
    available: true,
    rows,
    targets: [
      {
        name: `one-line handler change rebuilt in a small fraction (at most ${FRACTION}x) of the SAM-pattern rebuild`,
        met: limg <= FRACTION * sam,
        detail: `${limg.toFixed(0)} ms vs ${sam.toFixed(0)} ms = ${(limg / sam).toFixed(2)}x`,
      },
    ],
    note: 'The SAM pattern reinstalls every dependency from the registry on each code change; its times include that network traffic. Its image also keeps npm\'s cache and the CA file.',
  }
}
