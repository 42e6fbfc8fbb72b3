import {strict as assert} from 'node:assert'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {createContext} from '../../../src/app/context.js'
import {invoke} from '../../../src/app/invoke.js'
import {run} from '../../../src/app/run.js'
import {stop} from '../../../src/app/stop.js'
import {TEST_ENV, makeProject, sweep} from './support/fixture.js'

const context = createContext({env: TEST_ENV})

describe('limg.json logFormat JSON in a real container', function () {
  this.timeout(180_000)
  after(sweep)

  it('gives the function AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL, and limg invoke collects its JSON records', async () => {
    const code = "'use strict'\nexports.handler = async () => { console.info('hidden'); console.warn('shown'); return {format: process.env.AWS_LAMBDA_LOG_FORMAT, level: process.env.AWS_LAMBDA_LOG_LEVEL} }\n"
    const project = await makeProject({code, config: {logFormat: 'JSON', logLevel: 'WARN'}})
    await run(context, {dir: project.dir, detach: true, watch: false, build: true})
    try {
      const file = join(project.dir, 'e.json')
      await writeFile(file, '{}')
      const report = await invoke(context, {dir: project.dir, event: file})
      assert.deepEqual(report.result.payload, {format: 'JSON', level: 'WARN'})
      const texts = report.logs.map((line) => line.text)
      const types = texts.filter((t) => t.startsWith('{"time"')).map((t) => (JSON.parse(t) as {type: string}).type)
      assert.deepEqual(types, ['platform.initStart', 'platform.start', 'platform.report'], texts.join('\n'))
      const records = texts.filter((t) => t.startsWith('{"timestamp"')).map((t) => JSON.parse(t) as {level: string; message: string; requestId: string})
      assert.deepEqual(records.map((r) => [r.level, r.message]), [['WARN', 'shown']])
      assert.equal(records[0].requestId, report.result.requestId)
    } finally {
      await stop(context, {dir: project.dir})
    }
  })
})
