import {strict as assert} from 'node:assert'
import {handlerStyle, maskCode} from '../../../src/project/handler-source.js'

describe('handlerStyle', () => {
  const cases: Array<[string, string, number | undefined]> = [
    ['exports.handler = async function(event, context) {}', 'handler', 2],
    ['exports.handler = (event, context, callback) => { callback(null, 1) }', 'handler', 3],
    ['module.exports.handler = function (e, c, cb) {}', 'handler', 3],
    ['export const handler = async (event) => ({})', 'handler', 1],
    ['export const handler = event => ({})', 'handler', 1],
    ['export async function handler(event, context, callback) {}', 'handler', 3],
    ['export const handler: Handler<APIGatewayProxyEvent, Result> = async (event: APIGatewayProxyEvent, context: Context): Promise<Result> => ({})', 'handler', 2],
    ['export const handler = async (event: E, context: C, callback: Callback): Promise<void> => {}', 'handler', 3],
    ['function main(a, b, c) {}\nmodule.exports = {handler: main}', 'handler', 3],
    ['async function go(a) {}\nexport {go as handler}', 'handler', 1],
    ['module.exports = { async handler(event, context, cb) {} }', 'handler', 3],
    ['const handler = (a, b, c = () => 1) => {}\nexports.handler = handler', 'handler', 2],
    ['exports.handler = (...args) => {}', 'handler', 0],
    ['exports.handler = middy(base)', 'handler', undefined],
    ['exports.handler = async ({body}, context, callback) => {}', 'handler', 3],
    ['// exports.handler = (a, b, c) => {}\nexports.handler = async (a) => {}', 'handler', 1],
    ['const s = "exports.handler = (a, b, c) => {}"\nexports.handler = async (a) => {}', 'handler', 1],
  ]
  for (const [source, name, arity] of cases) {
    it(`reads ${JSON.stringify(source.slice(0, 70))}`, () => {
      assert.equal(handlerStyle(source, name).arity, arity)
    })
  }

  it('finds context.succeed, fail and done, on whatever the context is called', () => {
    assert.deepEqual(handlerStyle('exports.handler = function (e, ctx) { ctx.succeed(1) }', 'handler').contextCompletions, ['ctx.succeed'])
    assert.deepEqual(handlerStyle('exports.handler = (e, context) => { context.done(null, 1); context.fail("x") }', 'handler').contextCompletions, ['context.done', 'context.fail'])
    assert.deepEqual(handlerStyle('exports.handler = async (e, context) => { promise.done(); "context.succeed()" }', 'handler').contextCompletions, [])
  })

  it('blanks comments, strings, template literals and regular expressions, keeping lengths and lines', () => {
    const source = 'a = "x(y" // c(\nb = /[)"]/g; c = `t${1}(`\n/* d( */ e'
    const masked = maskCode(source)
    assert.equal(masked.length, source.length)
    assert.equal(masked.split('\n').length, 3)
    assert.doesNotMatch(masked, /\(/)
  })
})
