import {getRuntime} from '../../../src/catalog/runtimes.js'
import {ensureBaseImage, runBaseBuild} from '../../support/base-images.js'
import {describeRuntimeOutcomes} from '../runtime-host/outcomes.js'
import {describeNotCompared, realRie} from '../runtime-host/real-rie.js'
import {ContainerTarget} from './container-target.js'
import {RUN_ID, docker, sweepRun} from './docker-cli.js'
import {DEFAULT_AWS_EMULATOR_TARGETS, DEFAULT_OUTCOME_TARGETS, includes, selectTargets} from './matrix.js'

const targets = selectTargets('outcomes in offline base images', DEFAULT_OUTCOME_TARGETS)
const all = process.env.LIMG_TEST_ALL_RUNTIMES === '1'
const awsTargets = all ? targets : DEFAULT_AWS_EMULATOR_TARGETS
// Module loading is the runtime client's JavaScript alone: by default it runs on x86_64, where
// it is quick, and not again under arm64 emulation.
const moduleLoadingOn = (arch: string) => all || arch === 'x86_64'
if (!all) console.log('[outcomes] the ES module loading cases run on x86_64 only (LIMG_TEST_ALL_RUNTIMES=1 runs them on arm64 too).')
// Streaming and the JSON log format: compared with AWS's emulator on the host, and run in a
// real container through the front door (test/integration/front); here in every image only
// with the full matrix.
if (!all) console.log('[outcomes] response streaming and the JSON log format run in these images only with LIMG_TEST_ALL_RUNTIMES=1 (on the host and through the front door always).')

describe('offline base images run functions as Lambda does', function () {
  this.timeout(20 * 60_000)
  const rieImages: string[] = []

  after(async () => {
    await sweepRun()
    // The --rie variant is tagged for this run alone; limg labels it limg=true, not limg.test.
    for (const image of rieImages) await docker(['rmi', '-f', image], {reject: false})
  })

  for (const {runtime: runtimeId, arch} of targets) {
    const runtime = getRuntime(runtimeId)
    let baseImage = ''
    describe(`${runtimeId} ${arch}`, () => {
      before(async () => {
        baseImage = await ensureBaseImage(runtimeId, arch)
      })
      describeRuntimeOutcomes(`${runtimeId} ${arch}, limg's emulator`, () => new ContainerTarget(baseImage, arch, runtime.major), {
        moduleLoading: moduleLoadingOn(arch),
        streamingAndLogFormats: all,
      })
    })

    if (!includes(awsTargets, {runtime: runtimeId, arch})) {
      console.log(`[outcomes] ${runtimeId}/${arch} in a container is compared with AWS's emulator only with LIMG_TEST_ALL_RUNTIMES=1 (by default: arm64 here, x86_64 on the host).`)
      continue
    }
    const riePath = realRie(arch)
    if (!riePath) {
      describeNotCompared(`${runtimeId} ${arch} in a container`, arch)
      continue
    }
    let rieImage = ''
    describe(`${runtimeId} ${arch} with AWS's emulator (${riePath})`, () => {
      before(async () => {
        const tag = `limg-test-rie/nodejs:${runtime.major}-${arch}-${RUN_ID}`
        rieImages.push(tag)
        rieImage = (await runBaseBuild(['--runtime', runtimeId, '--arch', arch, '--rie', riePath, '--tag', tag])).result.image
      })
      describeRuntimeOutcomes(`${runtimeId} ${arch}, AWS's emulator`, () => new ContainerTarget(rieImage, arch, runtime.major), {
        emulator: 'aws',
        moduleLoading: moduleLoadingOn(arch),
        streamingAndLogFormats: all,
      })
    })
  }
})
