import assert from 'node:assert/strict'
import {defaultRoleName} from '../../../src/iam/execution-role.js'
import {LAMBDA_TRUST_POLICY, basicExecutionPolicyArn, partitionOf, trustsLambda} from '../../../src/iam/policies.js'

describe('the execution role', () => {
  it('is named limg-<function>, within IAM\'s 64 characters', () => {
    assert.equal(defaultRoleName('orders'), 'limg-orders')
    const long = defaultRoleName('f'.repeat(64))
    assert.equal(long.length, 64)
    assert.match(long, /^limg-f{50}-[0-9a-f]{8}$/)
    assert.notEqual(defaultRoleName(`${'f'.repeat(63)}a`), defaultRoleName(`${'f'.repeat(63)}b`))
  })

  it('is trusted by lambda.amazonaws.com only, with AWSLambdaBasicExecutionRole as its one policy', () => {
    const policy = JSON.parse(LAMBDA_TRUST_POLICY) as {Statement: {Principal: {Service: string}; Action: string; Effect: string}[]}
    assert.deepEqual(policy.Statement, [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}])
    assert.equal(basicExecutionPolicyArn(), 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')
    assert.equal(basicExecutionPolicyArn(partitionOf('arn:aws-us-gov:iam::1:role/x')), 'arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')
  })

  it('reads a trust policy as IAM returns it, URL-encoded', () => {
    assert.equal(trustsLambda(encodeURIComponent(LAMBDA_TRUST_POLICY)), true)
    assert.equal(trustsLambda(LAMBDA_TRUST_POLICY), true)
    const ec2 = LAMBDA_TRUST_POLICY.replace('lambda.amazonaws.com', 'ec2.amazonaws.com')
    assert.equal(trustsLambda(encodeURIComponent(ec2)), false)
    const list = JSON.stringify({Statement: {Effect: 'Allow', Principal: {Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com']}, Action: ['sts:AssumeRole', 'sts:TagSession']}})
    assert.equal(trustsLambda(encodeURIComponent(list)), true)
    assert.equal(trustsLambda(JSON.stringify({Statement: [{Effect: 'Deny', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})), false)
    assert.equal(trustsLambda('%7Bnot json'), false)
  })
})
