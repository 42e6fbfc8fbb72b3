import {strict as assert} from 'node:assert'
import {readFile, writeFile} from 'node:fs/promises'
import {request as httpRequest} from 'node:http'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {createContext} from '../../../src/app/context.js'
import {type RunOutcome, run} from '../../../src/app/run.js'
import {recordFile} from '../../../src/front/detached.js'
import {TEST_ENV, makeProject, sweep} from '../run/support/fixture.js'

const here = dirname(fileURLToPath(import.meta.url))
const CLI = resolve(here, '../../../bin/run.js')

type Event = Record<string, unknown> & {requestContext: Record<string, unknown>}

async function curl(args: string[]): Promise<{status: number; headers: string; body: string}> {
  // -i: the status line and headers before the body, as the client got them.
  const {stdout} = await execa('curl', ['-sS', '-i', '--max-time', '60', ...args])
  const split = stdout.indexOf('\r\n\r\n')
  const head = stdout.slice(0, split)
  return {status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]), headers: head.toLowerCase(), body: stdout.slice(split + 4)}
}

/** Whether anything still accepts connections on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = httpRequest({host: '127.0.0.1', port, path: '/', agent: false, timeout: 2000}, (res) => {
      res.resume()
      done(true)
    })
    req.on('error', () => done(false))
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

describe('limg run --http: the front door against a real container', function () {
  this.timeout(240_000)
  let dir: string
  before(async () => {
    dir = (await makeProject({code: await readFile(join(here, 'handler.js.txt'), 'utf8')})).dir
  })
  after(sweep)

  it('payload 2.0 in the foreground: query, cookies, JSON and binary bodies, errors and bare results, through fetch and curl', async () => {
    const controller = new AbortController()
    const context = createContext({env: TEST_ENV, signal: controller.signal})
    let serving: (running: RunOutcome) => void = () => {}
    const ready = new Promise<RunOutcome>((resolve) => (serving = resolve))
    const requests: string[] = []
    const running = run(context, {dir, detach: false, watch: false, build: true, http: 0}, (event) => {
      if (event.type === 'serving') serving(event.running)
      if (event.type === 'http-request') requests.push(`${event.request.method} ${event.request.url} ${event.request.statusCode}`)
    })
    running.catch(() => undefined)
    const {http} = await ready
    assert.ok(http, 'the front door is reported')
    assert.equal(http.format, '2.0')
    try {
      const got = await fetch(`${http.url}/orders/7?expand=items&expand=customer&q=a%20b`, {headers: {cookie: 'session=abc; theme=dark', 'x-trace': 'one'}})
      assert.equal(got.status, 201)
      assert.equal(got.headers.get('x-format'), '2.0')
      assert.deepEqual(got.headers.getSetCookie(), ['seen=1', 'again=2'])
      const event = (await got.json()) as Event
      assert.equal(event.rawPath, '/orders/7')
      assert.equal(event.rawQueryString, 'expand=items&expand=customer&q=a%20b')
      assert.deepEqual(event.queryStringParameters, {expand: 'items,customer', q: 'a b'})
      assert.deepEqual(event.cookies, ['session=abc', 'theme=dark'])
      assert.equal((event.headers as Record<string, string>)['x-trace'], 'one')
      assert.equal((event.headers as Record<string, string>).cookie, undefined)
      assert.equal((event.requestContext.http as Record<string, string>).method, 'GET')
      assert.equal('body' in event, false)

      const posted = await curl(['-X', 'POST', '-H', 'content-type: application/json', '--data-binary', '{"name":"limg"}', `${http.url}/items`])
      assert.equal(posted.status, 201)
      const postedEvent = JSON.parse(posted.body) as Event
      assert.equal(postedEvent.body, '{"name":"limg"}')
      assert.equal(postedEvent.isBase64Encoded, false)
      assert.equal((postedEvent.requestContext.http as Record<string, string>).method, 'POST')

      const bytes = Buffer.from([0, 159, 146, 150, 255, 10])
      const binary = (await (await fetch(`${http.url}/upload`, {method: 'POST', headers: {'content-type': 'image/png'}, body: bytes})).json()) as Event
      assert.equal(binary.isBase64Encoded, true)
      assert.deepEqual(Buffer.from(String(binary.body), 'base64'), bytes)

      const thrown = await fetch(`${http.url}/throw`)
      assert.equal(thrown.status, 502)
      assert.deepEqual(await thrown.json(), {message: 'Internal Server Error'})

      const plain = await curl([`${http.url}/plain`])
      assert.equal(plain.status, 200)
      assert.match(plain.headers, /content-type: application\/json/)
      assert.equal(plain.body, 'just text')

      const binaryAnswer = await fetch(`${http.url}/binary`)
      assert.deepEqual(Buffer.from(await binaryAnswer.arrayBuffer()), Buffer.from([0, 1, 2, 255]))

      // Requests arriving together take turns in the one warm container; each gets its own answer.
      const paths = ['/a', '/b', '/c']
      const together = await Promise.all(paths.map(async (path) => ((await (await fetch(`${http.url}${path}`)).json()) as Event).rawPath))
      assert.deepEqual(together, paths)
      assert.ok(requests.includes('GET /throw 502'), requests.join('\n'))
    } finally {
      controller.abort()
      await assert.rejects(running)
    }
    assert.equal(await answers(http.port), false, 'the front door closed with the run')
  })

  it('payload 1.0 detached through the CLI: multi-value headers and query; limg stop ends the front door', async () => {
    const started = await execa(process.execPath, [CLI, 'run', '--dir', dir, '--detach', '--http', '0', '--http-format', '1.0', '--json'], {env: TEST_ENV, reject: false})
    assert.equal(started.exitCode, 0, started.stderr)
    const result = JSON.parse(started.stdout) as RunOutcome
    assert.ok(result.http?.pid, started.stdout)
    let stopped = false
    try {
      const got = await curl(['-H', 'X-Multi: one', '-H', 'X-Multi: two', `${result.http.url}/pets/1?tag=a&tag=b`])
      assert.equal(got.status, 201)
      assert.match(got.headers, /x-multi: a\r\nx-multi: b/)
      const event = JSON.parse(got.body) as Event
      assert.equal(event.version, '1.0')
      assert.equal(event.path, '/pets/1')
      assert.equal(event.resource, '/{proxy+}')
      assert.deepEqual((event.multiValueHeaders as Record<string, string[]>)['X-Multi'], ['one', 'two'])
      assert.equal((event.headers as Record<string, string>)['X-Multi'], 'two')
      assert.deepEqual(event.multiValueQueryStringParameters, {tag: ['a', 'b']})
      assert.deepEqual(event.queryStringParameters, {tag: 'b'})

      const thrown = await curl([`${result.http.url}/throw`])
      assert.equal(thrown.status, 502)
      assert.deepEqual(JSON.parse(thrown.body), {message: 'Internal server error'})

      const stop = await execa(process.execPath, [CLI, 'stop', '--dir', dir, '--json'], {env: TEST_ENV, reject: false})
      assert.equal(stop.exitCode, 0, stop.stderr)
      stopped = true
      assert.equal(await answers(result.http.port), false, 'limg stop ended the front door')
      assert.throws(() => process.kill(result.http?.pid ?? 0, 0), /ESRCH/)
      await assert.rejects(readFile(recordFile(result.container)), /ENOENT/)
    } finally {
      if (!stopped) await execa(process.execPath, [CLI, 'stop', '--dir', dir], {env: TEST_ENV, reject: false})
    }
  })

  describe('a streaming handler', () => {
    let streamingDir: string
    before(async () => {
      streamingDir = (await makeProject({code: await readFile(join(here, 'streaming-handler.js.txt'), 'utf8')})).dir
    })

    it('streams through the front door (first chunk before the last write), cuts a failed stream, and streams limg invoke to stdout', async () => {
      const controller = new AbortController()
      const context = createContext({env: TEST_ENV, signal: controller.signal})
      let serving: (running: RunOutcome) => void = () => {}
      const ready = new Promise<RunOutcome>((resolve) => (serving = resolve))
      const running = run(context, {dir: streamingDir, detach: false, watch: false, build: true, http: 0}, (event) => {
        if (event.type === 'serving') serving(event.running)
      })
      running.catch(() => undefined)
      const {http} = await ready
      assert.ok(http)
      try {
        const started = Date.now()
        const got = await fetch(`${http.url}/stream`)
        assert.equal(got.status, 201)
        assert.equal(got.headers.get('x-streamed'), 'yes')
        assert.deepEqual(got.headers.getSetCookie(), ['seen=1'])
        const reader = (got.body as ReadableStream<Uint8Array>).getReader()
        let text = ''
        let firstAt = 0
        for (;;) {
          const {done, value} = await reader.read()
          if (done) break
          if (firstAt === 0) firstAt = Date.now()
          text += Buffer.from(value).toString('utf8')
        }
        const endedAt = Date.now()
        const lastWrittenAt = Number(/last@(\d+)$/.exec(text)?.[1])
        assert.match(text, /^first;last@\d+$/)
        assert.ok(firstAt < lastWrittenAt, `first chunk at ${firstAt}, last written at ${lastWrittenAt}`)
        // The closing figure: time to first byte beside the whole response.
        console.log(`      streamed: first byte after ${firstAt - started} ms, whole response after ${endedAt - started} ms`)

        const failed = await fetch(`${http.url}/fail`)
        assert.equal(failed.status, 201, 'the prelude went out before the error')
        await assert.rejects(failed.text(), 'the stream is cut, not ended')

        const raw = await curl([`${http.url}/raw`])
        assert.equal(raw.status, 200)
        assert.match(raw.headers, /content-type: application\/octet-stream/)
        assert.match(raw.body, /^first;last@\d+$/)

        // limg invoke prints the stream as it arrives.
        const event = join(streamingDir, 'raw.json')
        await writeFile(event, JSON.stringify({rawPath: '/raw'}))
        const invoke = execa(process.execPath, [CLI, 'invoke', '--dir', streamingDir, '--event', 'raw.json'], {env: TEST_ENV, reject: false})
        let invokeFirstAt = 0
        invoke.stdout?.on('data', () => {
          if (invokeFirstAt === 0) invokeFirstAt = Date.now()
        })
        const result = await invoke
        assert.equal(result.exitCode, 0, result.stderr)
        assert.match(result.stdout, /^first;last@\d+$/)
        assert.ok(invokeFirstAt < Number(/last@(\d+)/.exec(result.stdout)?.[1]), 'limg invoke wrote the first chunk before the last was written')
      } finally {
        controller.abort()
        await assert.rejects(running)
      }
    })
  })
})
