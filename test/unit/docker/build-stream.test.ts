import {strict as assert} from 'node:assert'
import {type BuildEvent, BuildStreamParser} from '../../../src/docker/build-stream.js'
import {BuildFailedError} from '../../../src/errors/index.js'

function lines(...messages: object[]): string {
  return messages.map((m) => JSON.stringify(m)).join('\r\n') + '\r\n'
}

describe('build stream parser', () => {
  it('reports steps, cache hits and the image id, even when lines are split across chunks', () => {
    const events: BuildEvent[] = []
    let clock = 0
    const parser = new BuildStreamParser((e) => events.push(e), () => (clock += 10))
    const raw = lines(
      {stream: 'Step 1/3 : FROM base'},
      {stream: '\n'},
      {stream: ' ---> 0123456789ab\n'},
      {stream: 'Step 2/3 : COPY package.json ./\n'},
      {stream: ' ---> Using cache\n'},
      {stream: ' ---> abcdefabcdef\n'},
      {stream: 'Step 3/3 : RUN npm ci\n'},
      {stream: ' ---> Running in 0123456789ab\n'},
      {stream: 'added 1 package\n'},
      {aux: {ID: 'sha256:feed'}},
      {stream: 'Successfully built feed\n'},
    )
    for (let i = 0; i < raw.length; i += 7) parser.write(raw.slice(i, i + 7))
    const result = parser.end()
    assert.deepEqual(result, {imageId: 'sha256:feed', steps: 3, cachedSteps: 1})
    const done = events.filter((e) => e.type === 'step-done')
    assert.deepEqual(done.map((e) => [e.index, e.cached]), [[1, false], [2, true], [3, false]])
    assert.deepEqual(events.filter((e) => e.type === 'output').map((e) => e.line), ['added 1 package'])
  })

  it('reads Podman\'s (Buildah\'s) steps, numbered across stages, its cache hits, and none of its bookkeeping as output', () => {
    const events: BuildEvent[] = []
    const parser = new BuildStreamParser((e) => events.push(e), () => 0)
    parser.write(lines(
      {stream: '[1/2] STEP 1/3: FROM base AS deps\n'},
      {stream: '[1/2] STEP 2/3: COPY package.json ./\n'},
      {stream: '--> Using cache 1f0e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0\n'},
      {stream: '--> 1f0e2d3c4b5\n'},
      {stream: '[1/2] STEP 3/3: RUN npm ci\n'},
      {stream: 'added 1 package\n'},
      {stream: '[2/2] STEP 1/2: FROM base\n'},
      {stream: '[2/2] STEP 2/2: COPY --from=deps /var/task/node_modules ./node_modules\n'},
      {stream: '[Warning] one or more build args were not consumed: [TARGETARCH]\n'},
      {stream: 'COMMIT\n'},
      {stream: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n'},
      {aux: {ID: 'sha256:0123'}},
      {stream: 'Successfully tagged fn:x86_64\n'},
    ))
    assert.deepEqual(parser.end(), {imageId: 'sha256:0123', steps: 5, cachedSteps: 1})
    assert.deepEqual(events.filter((e) => e.type === 'step').map((e) => e.type === 'step' && `${e.index}/${e.total} ${e.instruction}`), [
      '1/3 FROM base AS deps',
      '2/3 COPY package.json ./',
      '3/3 RUN npm ci',
      '4/5 FROM base',
      '5/5 COPY --from=deps /var/task/node_modules ./node_modules',
    ])
    assert.deepEqual(events.filter((e) => e.type === 'output').map((e) => e.type === 'output' && e.line), ['added 1 package'])
  })

  it('fails on errorDetail, naming the step and its last output, even though the stream ended', () => {
    const parser = new BuildStreamParser()
    parser.write(
      lines(
        {stream: 'Step 4/7 : RUN npm ci --omit=dev\n'},
        {stream: 'npm ERR! code E404\n'},
        {stream: 'npm ERR! 404 Not Found - left-padd\n'},
        {errorDetail: {code: 1, message: "The command '/bin/sh -c npm ci --omit=dev' returned a non-zero code: 1"}, error: 'ignored'},
        {aux: {ID: 'sha256:should-not-count'}},
      ),
    )
    assert.throws(
      () => parser.end(),
      (err: BuildFailedError) => {
        assert.ok(err instanceof BuildFailedError)
        assert.match(err.message, /^Step 4\/7 \(RUN npm ci --omit=dev\) failed: The command .* returned a non-zero code: 1$/)
        assert.deepEqual(err.details, ['npm ERR! code E404', 'npm ERR! 404 Not Found - left-padd'])
        return true
      },
    )
  })

  it('keeps colour codes and other control characters out of the failure, its details and the output events', () => {
    const events: BuildEvent[] = []
    const parser = new BuildStreamParser((e) => events.push(e))
    parser.write(
      lines(
        {stream: 'Step 2/3 : RUN npm ci\n'},
        {stream: '\u001b[1m\u001b[31mnpm\u001b[39m \u001b[31mERR!\u001b[39m\u001b[22m code E404\n'},
        {stream: 'progress 10%\rprogress 100%\u0007\n'},
        {errorDetail: {message: "The command '/bin/sh -c npm ci' returned a non-zero code: 1\u001b[0m"}},
      ),
    )
    assert.throws(
      () => parser.end(),
      (err: BuildFailedError) => {
        assert.equal(err.message, "Step 2/3 (RUN npm ci) failed: The command '/bin/sh -c npm ci' returned a non-zero code: 1")
        assert.deepEqual(err.details, ['npm ERR! code E404', 'progress 100%'])
        return true
      },
    )
    assert.deepEqual(events.filter((e) => e.type === 'output').map((e) => e.line), ['npm ERR! code E404', 'progress 100%'])
  })

  it('fails on a bare error line too', () => {
    const parser = new BuildStreamParser()
    parser.write(lines({error: 'context canceled'}))
    assert.throws(() => parser.end(), /The build failed: context canceled/)
  })

  it('does not take a stream that ends without an image as success', () => {
    const parser = new BuildStreamParser()
    parser.write(lines({stream: 'Step 1/2 : FROM base\n'}))
    assert.throws(() => parser.end(), BuildFailedError)
  })

  it('reports pull progress', () => {
    const events: BuildEvent[] = []
    const parser = new BuildStreamParser((e) => events.push(e))
    parser.write(lines({status: 'Downloading', id: 'abc', progress: '[==>   ]'}, {aux: {ID: 'sha256:1'}}))
    parser.end()
    assert.deepEqual(events, [{type: 'pull', status: 'Downloading', id: 'abc', progress: '[==>   ]'}])
  })
})
