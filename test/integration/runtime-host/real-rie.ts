import {accessSync, constants} from 'node:fs'

/** The variables that name AWS's aws-lambda-rie binaries (scripts/test.sh sets them when the binaries are there). */
export const RIE_VARIABLES = {x86_64: 'LIMG_TEST_RIE_X86_64', arm64: 'LIMG_TEST_RIE_ARM64'} as const

/**
 * AWS's emulator binary for `arch`, or undefined when none is named. A name that does not
 * lead to an executable fails here, rather than quietly skipping the comparison.
 */
export function realRie(arch: keyof typeof RIE_VARIABLES, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env[RIE_VARIABLES[arch]]?.trim()
  if (!path) return undefined
  accessSync(path, constants.X_OK)
  return path
}

/**
 * Says, in the run's output and as a pending test, that a comparison with AWS's emulator did
 * not run: a run without the binaries must not look like one that compared.
 */
export function describeNotCompared(what: string, arch: keyof typeof RIE_VARIABLES): void {
  const reason = `NOT COMPARED with AWS's emulator: ${what} (set ${RIE_VARIABLES[arch]} to an aws-lambda-rie binary for ${arch})`
  console.warn(`\n*** ${reason} ***\n`)
  describe(`AWS's emulator, ${what}`, () => {
    it(reason)
  })
}
