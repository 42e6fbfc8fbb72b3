import assert from 'node:assert/strict'
import {InvalidInputError} from '../../../src/errors/index.js'
import {checkRegion, isValidRegion} from '../../../src/aws/region.js'
import {SdkEcrApi} from '../../../src/ecr/sdk-ecr-api.js'

describe('AWS regions', () => {
  it('accepts the forms AWS uses', () => {
    for (const region of ['eu-west-1', 'us-east-2', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-5', 'il-central-1', 'us-isob-east-1']) assert.ok(isValidRegion(region), region)
  })

  it('refuses a malformed region with exit 2, the valid form and a guess', () => {
    for (const [region, guess] of [['eu_west_1', 'eu-west-1'], ['EU-WEST-1', 'eu-west-1'], ['x y', undefined], ['eu-west', undefined], ['', undefined]] as const) {
      assert.throws(
        () => checkRegion(region, '--region'),
        (error: unknown) => {
          assert.ok(error instanceof InvalidInputError)
          assert.equal(error.exitCode, 2)
          assert.equal(error.message, `The AWS region "${region}" (from --region) is malformed.`)
          assert.match(error.suggestion ?? '', /such as eu-west-1 or us-gov-west-1\. Pass --region with one\./)
          if (guess) assert.match(error.suggestion ?? '', new RegExp(`Did you mean ${guess}\\?$`))
          else assert.doesNotMatch(error.suggestion ?? '', /Did you mean/)
          return true
        },
      )
    }
  })

  it('the SDK client says where a malformed region came from, instead of "no region"', async () => {
    const fromFlag = new SdkEcrApi({region: 'eu_west_1', env: {}})
    await assert.rejects(fromFlag.region(), (e: unknown) => e instanceof InvalidInputError && e.message === 'The AWS region "eu_west_1" (from --region) is malformed.')
    const saved = process.env.AWS_REGION
    process.env.AWS_REGION = 'EU-WEST-1'
    try {
      // The SDK itself takes EU-WEST-1 (a valid hostname label); AWS would refuse its signature scope.
      const fromEnv = new SdkEcrApi()
      await assert.rejects(fromEnv.region(), (e: unknown) => e instanceof InvalidInputError && /"EU-WEST-1" \(from AWS_REGION\)/.test(e.message) && /Set AWS_REGION to one\. Did you mean eu-west-1\?/.test(e.suggestion ?? ''))
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION
      else process.env.AWS_REGION = saved
    }
  })
})
