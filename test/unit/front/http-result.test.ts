import {strict as assert} from 'node:assert'
import {frontDoorResponse} from '../../../src/front/http-result.js'
import {classifyReply} from '../../../src/invoke/outcome.js'

const answer = (format: '2.0' | '1.0', body: string, statusCode = 200) => frontDoorResponse(format, classifyReply({statusCode, body}), body)
const json = (value: unknown) => JSON.stringify(value)

describe('front door responses', () => {
  it('2.0: a structured result gives its status, headers, cookies and body', () => {
    const response = answer('2.0', json({statusCode: 201, headers: {'X-One': 'a', 'Content-Type': 'text/plain'}, cookies: ['a=1', 'b=2; Path=/'], body: 'made'}))
    assert.equal(response.statusCode, 201)
    assert.deepEqual(response.headers, [['x-one', 'a'], ['content-type', 'text/plain'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2; Path=/']])
    assert.equal(response.body.toString(), 'made')
  })

  it('2.0: a base64-encoded body is decoded', () => {
    const bytes = Buffer.from([0, 1, 2, 255])
    const response = answer('2.0', json({statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true}))
    assert.deepEqual(response.body, bytes)
  })

  it('2.0: anything that is not an object with statusCode is a 200 JSON answer', () => {
    const object = answer('2.0', json({message: 'hi'}))
    assert.equal(object.statusCode, 200)
    assert.deepEqual(object.headers, [['content-type', 'application/json']])
    assert.equal(object.body.toString(), '{"message":"hi"}')
    assert.equal(answer('2.0', json('Hello from Lambda!')).body.toString(), 'Hello from Lambda!')
    assert.equal(answer('2.0', '42').body.toString(), '42')
    assert.equal(answer('2.0', json([1, 2])).body.toString(), '[1,2]')
    assert.equal(answer('2.0', 'null').statusCode, 200)
  })

  it('a function error, a timeout or an emulator failure is a 502 in the front door\'s words', () => {
    const thrown = json({errorType: 'TypeError', errorMessage: 'boom', trace: []})
    assert.equal(answer('2.0', thrown).statusCode, 502)
    assert.equal(answer('2.0', thrown).body.toString(), '{"message":"Internal Server Error"}')
    assert.equal(answer('1.0', thrown).body.toString(), '{"message":"Internal server error"}')
    assert.equal(answer('2.0', 'Task timed out after 3.00 seconds').statusCode, 502)
    assert.equal(frontDoorResponse('2.0', classifyReply({error: 'ECONNRESET'}), '').statusCode, 502)
  })

  it('1.0: headers and multiValueHeaders are merged, a pair given in both sent once', () => {
    const response = answer('1.0', json({statusCode: 200, headers: {'X-A': '1', 'X-B': 'b'}, multiValueHeaders: {'X-A': ['1', '2'], 'Set-Cookie': ['a=1', 'b=2']}, body: 'ok'}))
    assert.deepEqual(response.headers, [['X-A', '1'], ['X-A', '2'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-B', 'b']])
    assert.equal(response.body.toString(), 'ok')
  })

  it('1.0: a result without statusCode, or with a body that is not a string, is a malformed proxy response (502)', () => {
    assert.equal(answer('1.0', json({message: 'hi'})).statusCode, 502)
    assert.equal(answer('1.0', json('text')).statusCode, 502)
    assert.equal(answer('1.0', json({statusCode: 200, body: {a: 1}})).statusCode, 502)
    assert.equal(answer('1.0', json({statusCode: 'abc'})).statusCode, 502)
    assert.equal(answer('1.0', json({statusCode: 204})).body.length, 0)
  })
})
