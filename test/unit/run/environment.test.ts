import {strict as assert} from 'node:assert'
import type {ProjectConfig} from '../../../src/config/schema.js'
import {InvalidInputError} from '../../../src/errors/index.js'
import {functionEnvironment, parseAssignment, parseEnvFile} from '../../../src/run/environment.js'

const config = {name: 'fn', memory: 256, timeout: 7, environment: {A: 'config', B: 'config', C: 'config'}} as unknown as ProjectConfig

describe('function environment', () => {
  it('layers limg.json, then the env file, then --env, then sets Lambda\'s own variables', () => {
    const env = functionEnvironment({config, envFile: {B: 'file', C: 'file'}, assignments: ['C=flag', 'D=x=y']}, {})
    assert.deepEqual(env, {
      A: 'config',
      B: 'file',
      C: 'flag',
      D: 'x=y',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'fn',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_FUNCTION_TIMEOUT: '7',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fn',
    })
  })

  it('sets the region Lambda would, from limg\'s own AWS_REGION or AWS_DEFAULT_REGION', () => {
    assert.equal(functionEnvironment({config}, {AWS_REGION: 'eu-west-1'}).AWS_REGION, 'eu-west-1')
    assert.equal(functionEnvironment({config}, {AWS_DEFAULT_REGION: 'ap-south-1'}).AWS_DEFAULT_REGION, 'ap-south-1')
    assert.equal(functionEnvironment({config, assignments: ['AWS_REGION=mars-1']}, {}).AWS_REGION, 'us-east-1')
  })

  it('the function\'s configuration wins over a user variable of the same name', () => {
    const env = functionEnvironment({config, assignments: ['AWS_LAMBDA_FUNCTION_TIMEOUT=99']}, {})
    assert.equal(env.AWS_LAMBDA_FUNCTION_TIMEOUT, '7')
  })

  it('KEY alone passes the value through from limg\'s environment, or nothing', () => {
    assert.deepEqual(parseAssignment('HOME', '--env', {HOME: '/root'}), ['HOME', '/root'])
    assert.equal(parseAssignment('MISSING', '--env', {}), undefined)
  })

  it('refuses an invalid name, saying where it came from', () => {
    assert.throws(() => parseAssignment('1A=x', '--env', {}), (e: unknown) => e instanceof InvalidInputError && e.message.startsWith('--env'))
    assert.throws(() => parseEnvFile('OK=1\nbad line\n', 'x.env', {}), /x\.env:2/)
  })

  it('reads env files with comments, blank lines, export and quotes', () => {
    const text = '# comment\n\nexport A=1\nB="two words"\nC=\'single\'\r\nD=un"quoted\nE=\n'
    assert.deepEqual(parseEnvFile(text, 'f', {}), {A: '1', B: 'two words', C: 'single', D: 'un"quoted', E: ''})
  })
})
