import {InvalidInputError} from '../errors/index.js'

/**
 * An AWS region as AWS names them: lower-case words joined by dashes, ending in a number
 * (`eu-west-1`, `us-gov-west-1`, `cn-northwest-1`, `us-isob-east-1`). The SDK accepts any
 * hostname label, so `EU-WEST-1` would reach AWS and fail there as a bad signature scope.
 */
const REGION_RULE = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/

export function isValidRegion(region: string): boolean {
  return REGION_RULE.test(region)
}

/** Where a region came from, for the message: `--region`, `AWS_REGION`, the profile. */
export type RegionSource = '--region' | 'AWS_REGION' | 'the profile in ~/.aws/config'

/** Throws InvalidInputError (exit 2) for a region that cannot be one, naming the valid form. */
export function checkRegion(region: string, source: RegionSource): string {
  if (isValidRegion(region)) return region
  throw malformedRegion(region, source)
}

export function malformedRegion(region: string, source: RegionSource): InvalidInputError {
  const guess = region.trim().toLowerCase().replace(/[\s_]+/g, '-')
  const hint = guess !== region && isValidRegion(guess) ? ` Did you mean ${guess}?` : ''
  const fix = source === '--region' ? 'Pass --region with one' : source === 'AWS_REGION' ? 'Set AWS_REGION to one' : 'Set the profile\'s `region` to one (`aws configure`)'
  return new InvalidInputError(
    `The AWS region "${region}" (from ${source}) is malformed.`,
    `A region is lower-case words and a number joined by dashes, such as eu-west-1 or us-gov-west-1. ${fix}.${hint}`,
  )
}
