import assert from 'node:assert/strict'
import {asRegistryError} from '../../../src/aws/errors.js'

const named = (name: string, message: string, extra: object = {}): Error => Object.assign(new Error(message), {name, ...extra})

describe('asRegistryError', () => {
  it('no credentials: says how to configure them', () => {
    const e = asRegistryError(named('CredentialsProviderError', 'Could not load credentials from any providers'), 'ecr:GetAuthorizationToken', 'eu-west-1')
    assert.equal(e.message, 'No AWS credentials found.')
    assert.match(e.suggestion ?? '', /aws configure.*aws sso login.*AWS_PROFILE/)
    assert.equal(e.exitCode, 5)
  })

  it('expired sessions and SSO tokens: sign in again', () => {
    for (const error of [named('ExpiredTokenException', 'The security token included in the request is expired'), named('CredentialsProviderError', 'The SSO session associated with this profile has expired.')]) {
      const e = asRegistryError(error, 'ecr:GetAuthorizationToken', 'eu-west-1')
      assert.match(e.message, /session has expired/)
      assert.match(e.suggestion ?? '', /aws sso login/, e.message)
    }
  })

  it('access denied names the action and region', () => {
    const e = asRegistryError(named('AccessDeniedException', 'User x is not authorized'), 'ecr:CreateRepository', 'us-east-2')
    assert.match(e.message, /Not allowed to call ecr:CreateRepository in us-east-2/)
    assert.match(e.suggestion ?? '', /IAM policy that allows ecr:CreateRepository/)
  })

  it('a network failure names ECR and the endpoint settings', () => {
    const e = asRegistryError(named('Error', 'connect ECONNREFUSED 127.0.0.1:1', {code: 'ECONNREFUSED'}), 'ecr:GetAuthorizationToken', 'eu-west-1')
    assert.match(e.message, /Cannot reach Amazon ECR in eu-west-1/)
    assert.match(e.suggestion ?? '', /AWS_ENDPOINT_URL_ECR/)
  })

  it('a missing region', () => {
    assert.match(asRegistryError(new Error('Region is missing'), 'ecr:GetAuthorizationToken', undefined).message, /No AWS region/)
  })
})
