import assert from 'node:assert/strict'
import {RegistryError} from '../../../src/errors/index.js'
import {RENEW_BEFORE_MS, TokenSource, decodeAuthorization, registryHost} from '../../../src/ecr/authorization.js'
import type {AuthorizationData} from '../../../src/ecr/ecr-api.js'

const token = (text: string): string => Buffer.from(text).toString('base64')

describe('ECR authorization', () => {
  it('decodes AWS:<password> and the registry host', () => {
    const c = decodeAuthorization({token: token('AWS:pa:ss'), proxyEndpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com'})
    assert.equal(c.username, 'AWS')
    assert.equal(c.password, 'pa:ss')
    assert.equal(c.registryHost, '123456789012.dkr.ecr.eu-west-1.amazonaws.com')
    assert.equal(registryHost('http://127.0.0.1:5000'), '127.0.0.1:5000')
  })

  it('refuses a token that is not AWS:<password>', () => {
    assert.throws(() => decodeAuthorization({token: token('bob:x'), proxyEndpoint: 'https://r'}), RegistryError)
    assert.throws(() => decodeAuthorization({token: token('AWS:'), proxyEndpoint: 'https://r'}), RegistryError)
  })

  it('keeps a token until it nears expiry, and fetches a new one after invalidate()', async () => {
    let now = 1_000_000
    const handed: AuthorizationData[] = []
    const ecr = {
      async getAuthorization(): Promise<AuthorizationData> {
        const data = {token: token(`AWS:p${handed.length}`), proxyEndpoint: 'https://r', expiresAt: new Date(now + RENEW_BEFORE_MS + 60_000)}
        handed.push(data)
        return data
      },
    }
    const tokens = new TokenSource(ecr, () => now)
    assert.equal((await tokens.get()).password, 'p0')
    assert.equal((await tokens.get()).password, 'p0')
    now += 61_000
    assert.equal((await tokens.get()).password, 'p1', 'renewed before use once within the renewal window')
    tokens.invalidate()
    assert.equal((await tokens.get()).password, 'p2')
    assert.equal(tokens.fetchCount, 3)
  })
})
