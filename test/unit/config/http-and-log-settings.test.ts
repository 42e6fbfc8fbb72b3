import {strict as assert} from 'node:assert'
import {InvalidInputError} from '../../../src/errors/index.js'
import {logEnvironment} from '../../../src/config/log-settings.js'
import {validateProjectConfig} from '../../../src/config/schema.js'
import {functionEnvironment} from '../../../src/run/environment.js'

const base = {name: 'fn', runtime: 'nodejs20.x'}

describe('limg.json "http" and the log controls', () => {
  it('reads the payload format, 2.0 by default, and refuses another', () => {
    assert.equal(validateProjectConfig({...base, http: {}}, 'limg.json').http?.format, '2.0')
    assert.equal(validateProjectConfig({...base, http: {format: '1.0'}}, 'limg.json').http?.format, '1.0')
    assert.equal(validateProjectConfig({...base, http: {format: 1}}, 'limg.json').http?.format, '1.0')
    assert.throws(() => validateProjectConfig({...base, http: {format: '3.0'}}, 'limg.json'), (e: unknown) => e instanceof InvalidInputError && /"http\.format" "3\.0"/.test(e.message))
    assert.throws(() => validateProjectConfig({...base, http: 'yes'}, 'limg.json'), InvalidInputError)
  })

  it('reads logFormat and the levels in any case, and refuses a level without JSON as Lambda does', () => {
    const config = validateProjectConfig({...base, logFormat: 'json', logLevel: 'warn', systemLogLevel: 'DEBUG'}, 'limg.json')
    assert.deepEqual([config.logFormat, config.logLevel, config.systemLogLevel], ['JSON', 'WARN', 'DEBUG'])
    assert.throws(() => validateProjectConfig({...base, logLevel: 'WARN'}, 'limg.json'), (e: unknown) => e instanceof InvalidInputError && /needs "logFormat": "JSON"/.test(e.message))
    assert.throws(() => validateProjectConfig({...base, logFormat: 'XML'}, 'limg.json'), (e: unknown) => e instanceof InvalidInputError && /Text, JSON/.test(e.suggestion ?? ''))
    assert.throws(() => validateProjectConfig({...base, logFormat: 'JSON', logLevel: 'LOUD'}, 'limg.json'), InvalidInputError)
  })

  it('sets AWS_LAMBDA_LOG_FORMAT and, with JSON, AWS_LAMBDA_LOG_LEVEL (INFO unless set), which the user cannot override', () => {
    assert.deepEqual(logEnvironment({}), {})
    assert.deepEqual(logEnvironment({logFormat: 'Text'}), {AWS_LAMBDA_LOG_FORMAT: 'Text'})
    assert.deepEqual(logEnvironment({logFormat: 'JSON'}), {AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'INFO', LIMG_SYSTEM_LOG_LEVEL: 'INFO'})
    assert.equal(logEnvironment({logFormat: 'JSON', systemLogLevel: 'WARN'}).LIMG_SYSTEM_LOG_LEVEL, 'WARN')
    const config = validateProjectConfig({...base, logFormat: 'JSON', logLevel: 'DEBUG', environment: {AWS_LAMBDA_LOG_LEVEL: 'TRACE'}}, 'limg.json')
    const env = functionEnvironment({config}, {})
    assert.equal(env.AWS_LAMBDA_LOG_FORMAT, 'JSON')
    assert.equal(env.AWS_LAMBDA_LOG_LEVEL, 'DEBUG')
  })
})
