import {strict as assert} from 'node:assert'
import {ARCHITECTURE_IDS, RUNTIMES, awsBaseImage} from '../../../src/catalog/runtimes.js'
import {TEMPLATES} from '../../../src/config/schema.js'
import {CA_CERT_IMAGE_PATH, renderDockerfile} from '../../../src/dockerfile/index.js'
import {InvalidInputError} from '../../../src/errors/index.js'

interface Stage {
  from: string
  lines: string[]
}

/** Splits a Dockerfile into its stages, dropping comments and blank lines. */
function stages(text: string): {preamble: string[]; stages: Stage[]} {
  const preamble: string[] = []
  const out: Stage[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    if (line.startsWith('FROM ')) out.push({from: line, lines: []})
    else if (out.length === 0) preamble.push(line)
    else out[out.length - 1].lines.push(line)
  }
  return {preamble, stages: out}
}

describe('renderDockerfile', () => {
  for (const runtime of RUNTIMES) {
    for (const arch of ARCHITECTURE_IDS) {
      for (const template of TEMPLATES) {
        const label = `${runtime.id} ${arch} ${template}`
        if (template === 'esm' && !runtime.esModules) {
          it(`refuses ${label}, naming the runtimes that can`, () => {
            assert.throws(() => renderDockerfile({runtime: runtime.id, arch, template, handler: 'index.handler'}), (error: Error) => {
              assert.ok(error instanceof InvalidInputError)
              assert.match(`${error.message} ${error.suggestion}`, /nodejs14\.x.*nodejs24\.x/)
              return true
            })
          })
          continue
        }
        it(`renders ${label}`, () => {
          const install = runtime.npmMajor === 6 ? 'npm ci --only=production' : 'npm ci --omit=dev'
          assert.deepEqual(runtime.productionInstall.join(' '), install)
          const result = renderDockerfile({runtime: runtime.id, arch, template, handler: 'index.handler'})
          const image = `public.ecr.aws/lambda/nodejs:${runtime.major}-${arch}`
          assert.equal(result.baseImage, image)
          assert.equal(awsBaseImage(runtime, arch), image)
          assert.deepEqual(result.buildArgs, {BASE_IMAGE: image})

          const lines = result.text.split('\n')
          assert.equal(lines[0], `ARG BASE_IMAGE=${image}`)
          assert.match(lines[1], /^FROM \$\{BASE_IMAGE\} AS \w+$/)
          const parsed = stages(result.text)
          assert.deepEqual(parsed.preamble, [`ARG BASE_IMAGE=${image}`])
          for (const stage of parsed.stages) assert.match(stage.from, /^FROM \$\{BASE_IMAGE\}( AS \w+)?$/)

          const deps = parsed.stages.find((s) => s.from.endsWith(' AS deps'))
          assert.ok(deps, 'a deps stage')
          assert.deepEqual(deps.lines, ['COPY package.json package-lock.json ./', `RUN ${install} && mkdir -p node_modules`])

          const final = parsed.stages[parsed.stages.length - 1]
          assert.equal(final.from, 'FROM ${BASE_IMAGE}')
          assert.equal(final.lines[0], 'COPY --from=deps /var/task/node_modules ./node_modules')
          assert.equal(final.lines[final.lines.length - 1], 'CMD ["index.handler"]')
          if (template === 'typescript') {
            const build = parsed.stages.find((s) => s.from.endsWith(' AS build'))
            assert.deepEqual(build?.lines, ['COPY package.json package-lock.json ./', 'RUN npm ci', 'COPY . ./', 'RUN npm run build'])
            assert.deepEqual(final.lines.slice(1, -1), ['COPY --from=build /var/task/dist ./', 'COPY package.json ./'])
          } else {
            assert.equal(parsed.stages.length, 2)
            assert.deepEqual(final.lines.slice(1, -1), ['COPY . ./'])
          }
          assert.doesNotMatch(result.text, /limg-extra-ca|NODE_EXTRA_CA_CERTS|ca\.pem/i, 'no CA lines without a CA')
          assert.doesNotMatch(result.text, /--mount|^# *syntax=|\{\{|\}\}/m, 'classic builder only, nothing left unrendered')
        })

        it(`renders ${label} with a CA that stays out of the final stage`, () => {
          const result = renderDockerfile({runtime: runtime.id, arch, template, handler: 'index.handler', caCertContextPath: '.limg/ca.pem'})
          const parsed = stages(result.text)
          const installing = parsed.stages.filter((s) => s.lines.some((l) => l.startsWith('RUN npm ci') || l.startsWith(`RUN ${runtime.productionInstall.join(' ')}`)))
          assert.ok(installing.length >= 1)
          for (const stage of installing) {
            const copy = stage.lines.indexOf(`COPY .limg/ca.pem ${CA_CERT_IMAGE_PATH}`)
            const env = stage.lines.indexOf(`ENV NODE_EXTRA_CA_CERTS=${CA_CERT_IMAGE_PATH}`)
            const run = stage.lines.findIndex((l) => l.startsWith('RUN npm') || l.startsWith('RUN ' + runtime.productionInstall.join(' ')))
            assert.ok(copy !== -1 && env !== -1 && copy < run && env < run, `${stage.from}: CA before the install`)
          }
          const final = parsed.stages[parsed.stages.length - 1]
          assert.equal(final.from, 'FROM ${BASE_IMAGE}')
          assert.ok(final.lines.every((l) => !/ca\.pem|NODE_EXTRA_CA_CERTS/.test(l)), final.lines.join('\n'))
          // Whatever the final stage copies from the context passes through a stage that deletes the CA.
          for (const line of final.lines.filter((l) => l.startsWith('COPY --from='))) {
            const source = parsed.stages.find((s) => s.from.endsWith(` AS ${line.match(/--from=(\w+)/)?.[1]}`))
            assert.ok(source, line)
            if (source.lines.includes('COPY . ./') && line.includes('/var/task ')) {
              assert.ok(source.lines.includes('RUN rm -rf .limg/ca.pem'), `${source.from} removes the CA`)
            }
          }
          assert.ok(!final.lines.includes('COPY . ./'), 'the final stage does not copy the context with the CA in it')
        })
      }
    }
  }

  it('takes another base image as the BASE_IMAGE default', () => {
    const result = renderDockerfile({runtime: 'nodejs20.x', arch: 'arm64', template: 'esm', handler: 'app.main', baseImage: 'mirror.example/lambda/nodejs:20-arm64'})
    assert.equal(result.text.split('\n')[0], 'ARG BASE_IMAGE=mirror.example/lambda/nodejs:20-arm64')
    assert.deepEqual(result.buildArgs, {BASE_IMAGE: 'mirror.example/lambda/nodejs:20-arm64'})
    assert.match(result.text, /^CMD \["app\.main"\]$/m)
  })

  it('refuses what it cannot render, naming the valid choices', () => {
    const ok = {runtime: 'nodejs20.x', arch: 'x86_64', template: 'commonjs', handler: 'index.handler'}
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{runtime: 'nodejs19.x'}, /nodejs12\.x, nodejs14\.x.*nodejs24\.x/],
      [{arch: 'amd64'}, /x86_64, arm64/],
      [{template: 'coffee'}, /commonjs, esm, typescript/],
      [{handler: 'index'}, /<file>\.<export>/],
      [{handler: 'in"dex.handler'}, /quotes/],
      [{baseImage: 'has space'}, /no spaces/],
      [{caCertContextPath: '../ca.pem'}, /relative path/],
      [{caCertContextPath: '/etc/ca.pem'}, /relative path/],
      [{caCertContextPath: 'a b.pem'}, /relative path/],
    ]
    for (const [change, pattern] of cases) {
      assert.throws(() => renderDockerfile({...ok, ...change}), (error: Error) => {
        assert.ok(error instanceof InvalidInputError, JSON.stringify(change))
        assert.match(`${error.message} ${error.suggestion ?? ''}`, pattern)
        return true
      })
    }
  })
})
