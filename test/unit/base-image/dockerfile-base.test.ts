import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {contextPlan} from '../../../src/base-image/context-plan.js'
import {packageRoot} from '../../../src/util/package-files.js'

const instructions = readFileSync(join(packageRoot(), 'Dockerfile.base'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))

describe('Dockerfile.base', () => {
  it('starts FROM scratch with a COPY, so an arm64 build records arm64 on the classic builder', () => {
    assert.equal(instructions[0], 'FROM scratch')
    assert.match(instructions[1], /^COPY /)
  })

  it("sets the environment, working directory and entry point of AWS's Node.js images, and no CMD", () => {
    assert.deepEqual(
      instructions.filter((i) => i.startsWith('ENV ')),
      [
        'ENV LANG=en_US.UTF-8',
        'ENV TZ=:/etc/localtime',
        'ENV PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
        'ENV LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
        'ENV LAMBDA_TASK_ROOT=/var/task',
        'ENV LAMBDA_RUNTIME_DIR=/var/runtime',
      ],
    )
    assert.ok(instructions.includes('WORKDIR /var/task'))
    assert.equal(instructions.at(-1), 'ENTRYPOINT ["/lambda-entrypoint.sh"]')
    assert.ok(!instructions.some((i) => i.startsWith('CMD') || i.startsWith('RUN')))
  })

  it('copies only folders the build context holds', () => {
    const sources = instructions.filter((i) => i.startsWith('COPY ')).map((i) => i.split(/\s+/)[1].replace(/\/$/, ''))
    const plan = contextPlan({
      sources: {dockerfile: 'D', rootfsTemplate: 'T', entrypoint: 'E', runtimeDir: 'R', rie: 'I'},
      system: 'S', nodeBinary: 'N', npmPackage: 'P', sdkModules: 'K', nodeMajor: 20,
    })
    const topLevel = new Set(plan.map((entry) => entry.to.split('/')[0]))
    for (const source of sources) assert.ok(topLevel.has(source), `COPY ${source}/ has nothing in the context`)
  })
})
