import {strict as assert} from 'node:assert'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {getRuntime} from '../../../src/catalog/runtimes.js'
import {type BaseBuildRun, expectedBaseImage, runBaseBuild} from '../../support/base-images.js'
import {CALLBACK_WARNING, CALLBACKS_REMOVED} from '../runtime-host/handler-styles.js'
import {request} from '../runtime-host/http-client.js'
import type {HandlerFixture} from '../runtime-host/target.js'
import {ContainerTarget} from './container-target.js'
import {RUN_ID, TEST_LABEL, buildFunctionImage, docker, freePort, platformOf, sweepRun, uniqueName} from './docker-cli.js'
import {DEFAULT_TARGETS, selectTargets} from './matrix.js'

const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'bin', 'run.js')

/** Section 2 of the Lambda contract: what AWS's Node.js base images set. */
const AWS_ENV = [
  'LANG=en_US.UTF-8',
  'TZ=:/etc/localtime',
  'PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
  'LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
  'LAMBDA_TASK_ROOT=/var/task',
  'LAMBDA_RUNTIME_DIR=/var/runtime',
]

// package-lock v2 is read by npm 6 (Node 12, 14) as well as by npm 7 and later.
const EMPTY_PROJECT = {
  'package.json': JSON.stringify({name: 'fn', version: '1.0.0', private: true}),
  'package-lock.json': JSON.stringify({
    name: 'fn',
    version: '1.0.0',
    lockfileVersion: 2,
    requires: true,
    packages: {'': {name: 'fn', version: '1.0.0'}},
    dependencies: {},
  }),
}

/** A handler that loads the bundled SDK the way users' code does: a bare require, resolved through NODE_PATH. */
function sdkHandler(sdkPackage: string): string {
  return `
const fs = require('fs')
exports.handler = async () => {
  const name = ${JSON.stringify(sdkPackage)}
  const sdk = require(name)
  const main = require.resolve(name)
  const root = main.slice(0, main.lastIndexOf('/node_modules/' + name) + '/node_modules/'.length + name.length)
  return {
    exports: Object.keys(sdk).length,
    client: typeof (sdk.S3 || sdk.S3Client),
    root,
    version: JSON.parse(fs.readFileSync(root + '/package.json', 'utf8')).version,
    arch: process.arch,
    node: process.version,
    nodePath: process.env.NODE_PATH,
  }
}
`
}

/**
 * An ES module handler that imports the bundled SDK v3 by its package name, directly and from
 * a module of its own, as AWS documents for nodejs18.x and later.
 */
const SDK_ESM_HANDLER: HandlerFixture = {
  handler: 'index.handler',
  files: {
    'index.mjs': `
import {LambdaClient, ListFunctionsCommand} from '@aws-sdk/client-lambda'
import {s3Client} from './lib/storage.mjs'
export const handler = async () => ({
  client: typeof LambdaClient,
  command: typeof ListFunctionsCommand,
  resolved: import.meta.resolve('@aws-sdk/client-lambda'),
  nested: s3Client,
})
`,
    'lib/storage.mjs': "import {S3Client} from '@aws-sdk/client-s3'\nexport const s3Client = typeof S3Client\n",
  },
}

const CALLBACK_HANDLER: HandlerFixture = {
  handler: 'index.handler',
  files: {'index.js': "exports.handler = (event, context, callback) => callback(null, {style: 'callback', node: process.version})\n"},
}

async function waitForAnswer(url: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const answer = await request(url, {method: 'GET'}).catch(() => undefined)
    if (answer) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`nothing answered at ${url}`)
}

const targets = selectTargets('limg base build', DEFAULT_TARGETS)
const timings: string[] = []

describe('limg base build (real engine)', function () {
  this.timeout(20 * 60_000)

  after(async () => {
    await sweepRun()
    if (timings.length > 0) console.log(`[limg base build] timings:\n  ${timings.join('\n  ')}`)
  })

  it('refuses nodejs12.x on arm64, naming the valid choices', async () => {
    const run = await execa(process.execPath, [CLI, 'base', 'build', '--runtime', 'nodejs12.x', '--arch', 'arm64', '--json'], {reject: false})
    assert.equal(run.exitCode, 2)
    const {error} = JSON.parse(run.stdout) as {error: {code: string; message: string; suggestion: string}}
    assert.equal(error.code, 'INVALID_INPUT')
    assert.match(error.message, /nodejs12\.x cannot be built for arm64/)
    assert.match(error.suggestion, /--arch x86_64/)
    assert.match(error.suggestion, /nodejs14\.x, nodejs16\.x, nodejs18\.x, nodejs20\.x, nodejs22\.x, nodejs24\.x/)
  })

  for (const {runtime: runtimeId, arch} of targets) {
    describe(`${runtimeId} ${arch}`, () => {
      const runtime = getRuntime(runtimeId)
      const platform = platformOf(arch)
      const dockerArch = arch === 'x86_64' ? 'amd64' : 'arm64'
      const nodeArch = arch === 'x86_64' ? 'x64' : 'arm64'
      let first: BaseBuildRun
      let image: string

      const inImage = (entrypoint: string, args: string[], options: {reject?: boolean} = {}) =>
        docker(['run', '--rm', '--label', TEST_LABEL, '--platform', platform, '--entrypoint', entrypoint, image, ...args], options)

      before(async () => {
        first = await runBaseBuild(['--runtime', runtimeId, '--arch', arch])
        image = first.result.image
      })

      it('reports the image, runtime, architecture and versions', () => {
        const {result} = first
        assert.equal(image, expectedBaseImage(runtimeId, arch))
        assert.equal(result.runtime, runtimeId)
        assert.equal(result.architecture, arch)
        assert.equal(result.nodeVersion, runtime.offline.node)
        assert.equal(result.npmVersion, runtime.offline.npm)
        assert.ok(result.sizeBytes > 50e6, `size ${result.sizeBytes}`)
        assert.match(result.imageId, /^sha256:[0-9a-f]{64}$/)
      })

      it('records the architecture and the limg labels in the image config', async () => {
        const [info] = JSON.parse((await docker(['image', 'inspect', image])).stdout) as Array<{
          Architecture: string
          Os: string
          Config: {Labels: Record<string, string>}
        }>
        assert.equal(info.Architecture, dockerArch)
        assert.equal(info.Os, 'linux')
        assert.equal(info.Config.Labels.limg, 'true')
        assert.equal(info.Config.Labels['limg.base.runtime'], runtimeId)
        assert.equal(info.Config.Labels['limg.base.arch'], arch)
        assert.equal(info.Config.Labels['limg.base.node'], runtime.offline.node)
      })

      it("has AWS's environment, working directory and entry point, and no CMD", async () => {
        const [info] = JSON.parse((await docker(['image', 'inspect', image])).stdout) as Array<{
          Config: {Env: string[]; WorkingDir: string; Entrypoint: string[]; Cmd: string[] | null}
        }>
        assert.deepEqual([...info.Config.Env].sort(), [...AWS_ENV].sort())
        assert.equal(info.Config.WorkingDir, '/var/task')
        assert.deepEqual(info.Config.Entrypoint, ['/lambda-entrypoint.sh'])
        assert.equal(info.Config.Cmd, null)
      })

      it('runs the pinned Node for the architecture', async () => {
        const {stdout} = await inImage('/var/lang/bin/node', ['-p', 'process.arch + " " + process.version'])
        assert.equal(stdout.trim(), `${nodeArch} v${runtime.offline.node}`)
        assert.equal((await inImage('/var/lang/bin/node', ['-v'])).stdout.trim(), `v${runtime.offline.node}`)
      })

      it("has the npm that Node release bundles, and npx", async () => {
        assert.equal((await inImage('/var/lang/bin/npm', ['-v'])).stdout.trim(), runtime.offline.npm)
        assert.equal((await inImage('/var/lang/bin/npx', ['--version'])).stdout.trim(), runtime.offline.npm)
      })

      it('exits 142 from /lambda-entrypoint.sh without a handler', async () => {
        const run = await docker(['run', '--rm', '--label', TEST_LABEL, '--platform', platform, image], {reject: false})
        assert.equal(run.exitCode, 142)
        assert.match(run.stderr, /entrypoint requires the handler name to be the first argument/)
      })

      it('has a shell and core utilities, /tmp 1777, the users, UTC and the CA bundle', async () => {
        const script = [
          'set -e',
          'stat -c "%a %U" /tmp',
          'grep -c "^root:x:0:0:" /etc/passwd',
          'grep -c "^sbx_user1051:" /etc/passwd',
          'grep -c "^sbx_user1051:" /etc/group',
          'date +%Z',
          'uname -m',
          'for t in env ls cat mkdir rm cp mv chmod ln sed grep tar gzip find sleep id; do command -v $t >/dev/null || echo "missing $t"; done',
          'grep -c "BEGIN CERTIFICATE" /etc/pki/tls/certs/ca-bundle.crt',
          'cmp /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/certs/ca-certificates.crt && echo same-bundle',
          'test -x /usr/local/bin/aws-lambda-rie && test -x /var/runtime/bootstrap && echo runtime-ok',
        ].join('\n')
        const lines = (await inImage('/bin/sh', ['-c', script])).stdout.trim().split('\n')
        assert.equal(lines[0], '1777 root')
        assert.deepEqual(lines.slice(1, 4), ['1', '1', '1'])
        assert.equal(lines[4], 'UTC')
        assert.equal(lines[5], arch === 'x86_64' ? 'x86_64' : 'aarch64')
        assert.ok(Number(lines[6]) > 100, `certificates: ${lines[6]}`)
        assert.deepEqual(lines.slice(7), ['same-bundle', 'runtime-ok'])
        assert.ok((await inImage('/usr/bin/env', ['true'], {reject: false})).exitCode === 0, '/usr/bin/env runs')
      })

      it('runs npm ci in a RUN step, and a handler in /var/task requires the bundled SDK through NODE_PATH', async () => {
        const sdkPackage = runtime.bundledSdk.packages.includes('aws-sdk') ? 'aws-sdk' : '@aws-sdk/client-s3'
        const fn = await buildFunctionImage({
          base: image,
          arch,
          handler: 'sdk.handler',
          before: EMPTY_PROJECT,
          steps: [`RUN ${runtime.productionInstall.join(' ')}`],
          files: {'sdk.js': sdkHandler(sdkPackage)},
        })
        const port = await freePort()
        const container = uniqueName('limg-test-sdk')
        await docker(['run', '-d', '--name', container, '--label', TEST_LABEL, '--platform', platform, '-p', `127.0.0.1:${port}:8080`, fn])
        try {
          const base = `http://127.0.0.1:${port}`
          await waitForAnswer(`${base}/`)
          const answer = await request(`${base}/2015-03-31/functions/function/invocations`, {body: '{}'})
          assert.equal(answer.status, 200, answer.body)
          const body = JSON.parse(answer.body) as Record<string, unknown>
          assert.equal(body.client, 'function')
          assert.ok(Number(body.exports) > 0)
          assert.equal(body.root, `/var/runtime/node_modules/${sdkPackage}`)
          assert.equal(body.version, runtime.bundledSdk.version)
          assert.equal(body.arch, nodeArch)
          assert.equal(body.node, `v${runtime.offline.node}`)
          assert.match(String(body.nodePath), /(^|:)\/var\/runtime\/node_modules(:|$)/)
        } finally {
          await docker(['rm', '-f', container], {reject: false})
          await docker(['rmi', '-f', fn], {reject: false})
        }
      })

      /** Runs `fixture` FROM this base image and answers its first invoke, with the container's logs. */
      async function invokeOnce(fixture: HandlerFixture): Promise<{status: number; body: string; logs: string}> {
        const target = new ContainerTarget(image, arch, runtime.major)
        try {
          await target.start(fixture)
          const answer = await request(target.invokeUrl(), {body: '{}'})
          // Stopping waits for the log stream to end, so the logs are complete after it.
          await target.stop()
          return {status: answer.status, body: answer.body, logs: target.logs()}
        } finally {
          await target.stop()
        }
      }

      if (runtime.esModules) {
        const v3 = runtime.bundledSdk.packages.includes('@aws-sdk/client-lambda')
        it(v3 ? 'imports the bundled SDK from an .mjs handler through NODE_PATH' : 'cannot import from NODE_PATH in an .mjs handler, as on AWS', async () => {
          const answer = await invokeOnce(SDK_ESM_HANDLER)
          if (v3) {
            assert.equal(answer.status, 200, answer.body)
            assert.deepEqual(JSON.parse(answer.body), {
              client: 'function',
              command: 'function',
              resolved: 'file:///var/runtime/node_modules/@aws-sdk/client-lambda/dist-cjs/index.js',
              nested: 'function',
            })
            return
          }
          assert.equal(answer.status, 502)
          const body = JSON.parse(answer.body) as {errorType: string; errorMessage: string}
          assert.equal(body.errorType, 'Error')
          assert.equal(body.errorMessage, "Cannot find package '@aws-sdk/client-lambda' imported from /var/task/index.mjs")
          // Not for want of a package: the bundled aws-sdk is there for require(), not for import.
          const v2 = await invokeOnce({handler: 'index.handler', files: {'index.mjs': "import AWS from 'aws-sdk'\nexport const handler = async () => typeof AWS\n"}})
          // Node adds a guess from require()'s resolution, which does find it.
          assert.match(JSON.parse(v2.body).errorMessage, /^Cannot find package 'aws-sdk' imported from \/var\/task\/index\.mjs\nDid you mean to import aws-sdk\/lib\/aws\.js\?$/)
        })
      }

      it(runtime.major >= 24 ? 'refuses a callback handler at init' : 'runs a callback handler', async () => {
        const answer = await invokeOnce(CALLBACK_HANDLER)
        if (runtime.major >= 24) {
          assert.equal(answer.status, 502)
          const body = JSON.parse(answer.body) as {errorType: string; errorMessage: string}
          assert.deepEqual([body.errorType, body.errorMessage], ['Runtime.CallbackHandlerDeprecated', CALLBACKS_REMOVED])
          return
        }
        assert.equal(answer.status, 200, answer.body)
        assert.deepEqual(JSON.parse(answer.body), {style: 'callback', node: `v${runtime.offline.node}`})
        assert.equal(answer.logs.includes(`\tundefined\tWARN\t${CALLBACK_WARNING}\n`), runtime.major >= 18, answer.logs)
      })

      it('recognises a rebuild with nothing changed', async () => {
        const again = await runBaseBuild(['--runtime', runtimeId, '--arch', arch])
        assert.equal(again.result.cached, true)
        assert.equal(again.result.imageId, first.result.imageId)
        timings.push(
          `${runtimeId}/${arch}: first ${(first.wallMs / 1000).toFixed(1)} s (cached=${first.result.cached}), ` +
            `repeated ${(again.wallMs / 1000).toFixed(1)} s (cached=${again.result.cached}) [run ${RUN_ID}]`,
        )
      })
    })
  }
})
