import {getRuntime} from '../../../src/catalog/runtimes.js'
import {ensureBaseImage, runBaseBuild} from '../../support/base-images.js'
import {describeRuntimeOutcomes} from '../runtime-host/outcomes.js'
import {ContainerTarget} from './container-target.js'
import {RUN_ID, docker, sweepRun} from './docker-cli.js'
import {DEFAULT_OUTCOME_TARGETS, selectTargets} from './matrix.js'

const RIE_VARIABLES = {x86_64: 'LIMG_TEST_RIE_X86_64', arm64: 'LIMG_TEST_RIE_ARM64'} as const

const targets = selectTargets('outcomes in offline base images', DEFAULT_OUTCOME_TARGETS)

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
      describeRuntimeOutcomes(`${runtimeId} ${arch}, limg's emulator`, () => new ContainerTarget(baseImage, arch, runtime.major))
    })

    const riePath = process.env[RIE_VARIABLES[arch]]
    if (!riePath) {
      console.log(`[outcomes] SKIPPED the real-RIE variant for ${runtimeId}/${arch}: set ${RIE_VARIABLES[arch]} to an aws-lambda-rie binary for ${arch} to run it.`)
      continue
    }
    let rieImage = ''
    describe(`${runtimeId} ${arch} with the real RIE (${riePath})`, () => {
      before(async () => {
        const tag = `limg-test-rie/nodejs:${runtime.major}-${arch}-${RUN_ID}`
        rieImages.push(tag)
        rieImage = (await runBaseBuild(['--runtime', runtimeId, '--arch', arch, '--rie', riePath, '--tag', tag])).result.image
      })
      describeRuntimeOutcomes(`${runtimeId} ${arch}, AWS's emulator`, () => new ContainerTarget(rieImage, arch, runtime.major))
    })
  }
})
