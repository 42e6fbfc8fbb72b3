import {strict as assert} from 'node:assert'
import {dockerfileHandler, finalLambdaBase, lambdaBaseReference, parseInstructions, rewriteOwnDockerfile} from '../../../src/dockerfile/own-dockerfile.js'

const SAM_STYLE = `FROM public.ecr.aws/lambda/nodejs:20 as builder
WORKDIR /usr/app
COPY package.json index.ts  ./
RUN npm install \\
    && npm run build

FROM public.ecr.aws/lambda/nodejs:20
WORKDIR \${LAMBDA_TASK_ROOT}
COPY --from=builder /usr/app/dist/* ./
CMD ["index.handler"]
`

const SINGLE_STAGE = `FROM public.ecr.aws/lambda/nodejs:22
COPY app.mjs package*.json ./
RUN npm install
CMD [ "app.lambdaHandler" ]
`

describe('a project\'s own Dockerfile', () => {
  it('reads instructions with continuations and comments as the builder does', () => {
    const instructions = parseInstructions('# syntax comment\nFROM x\nRUN a \\\n  # inner comment\n  b\nCMD ["h.x"]\n')
    assert.deepEqual(instructions.map((i) => [i.keyword, i.args, i.startLine, i.endLine]), [['FROM', 'x', 1, 1], ['RUN', 'a  b', 2, 4], ['CMD', '["h.x"]', 5, 5]])
  })

  it('recognises AWS\'s Lambda Node.js base image, its mirrors and pull-through caches', () => {
    assert.deepEqual(lambdaBaseReference('public.ecr.aws/lambda/nodejs:20'), {ref: 'public.ecr.aws/lambda/nodejs:20', major: 20})
    assert.deepEqual(lambdaBaseReference('public.ecr.aws/lambda/nodejs:22-arm64'), {ref: 'public.ecr.aws/lambda/nodejs:22-arm64', major: 22, arch: 'arm64'})
    assert.equal(lambdaBaseReference('amazon/aws-lambda-nodejs:18.2024.01.01')?.major, 18)
    assert.equal(lambdaBaseReference('123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/lambda/nodejs:24')?.major, 24)
    assert.equal(lambdaBaseReference('public.ecr.aws/lambda/nodejs')?.major, undefined)
    assert.equal(lambdaBaseReference('node:20-alpine'), undefined)
    assert.equal(lambdaBaseReference('public.ecr.aws/lambda/python:3.12'), undefined)
  })

  it('reads the handler from the final stage\'s CMD, and the base from the chain it builds on', () => {
    assert.equal(dockerfileHandler(SAM_STYLE), 'index.handler')
    assert.equal(dockerfileHandler(SINGLE_STAGE), 'app.lambdaHandler')
    assert.equal(dockerfileHandler('FROM x AS base\nCMD ["a.b"]\nFROM base\nRUN true\n'), 'a.b')
    assert.equal(dockerfileHandler('FROM x\nCMD app.handler\n'), 'app.handler')
    assert.equal(dockerfileHandler('FROM x\n'), undefined)
    assert.equal(finalLambdaBase(SAM_STYLE)?.major, 20)
    assert.equal(finalLambdaBase('ARG BASE=public.ecr.aws/lambda/nodejs:18\nFROM ${BASE}\n')?.major, 18)
    assert.equal(finalLambdaBase('FROM public.ecr.aws/lambda/nodejs:20 AS base\nFROM node:22 AS tools\nFROM base\n')?.major, 20)
  })

  it('points every FROM of AWS\'s base at --base-image, and says which it replaced', () => {
    const result = rewriteOwnDockerfile(SAM_STYLE, {baseImage: 'limg-offline/nodejs:20-x86_64'})
    assert.deepEqual(result.replaced, [{from: 'public.ecr.aws/lambda/nodejs:20', to: 'limg-offline/nodejs:20-x86_64'}, {from: 'public.ecr.aws/lambda/nodejs:20', to: 'limg-offline/nodejs:20-x86_64'}])
    assert.equal(result.text, SAM_STYLE.replaceAll('public.ecr.aws/lambda/nodejs:20', 'limg-offline/nodejs:20-x86_64'))
    const args = rewriteOwnDockerfile('ARG BASE=public.ecr.aws/lambda/nodejs:20\nFROM ${BASE}\nFROM node:20 AS other\n', {baseImage: 'mirror/n:20'})
    assert.equal(args.text, 'ARG BASE=mirror/n:20\nFROM ${BASE}\nFROM node:20 AS other\n')
  })

  it('gives the CA to build stages with COPY and ENV, and leaves the text alone without one', () => {
    assert.equal(rewriteOwnDockerfile(SAM_STYLE, {}).text, SAM_STYLE)
    const result = rewriteOwnDockerfile(SAM_STYLE, {caCertContextPath: '.limg-build-ca.pem'})
    assert.equal(result.caInFinalChain, false)
    const lines = result.text.split('\n')
    assert.deepEqual(lines.slice(0, 3), ['FROM public.ecr.aws/lambda/nodejs:20 as builder', 'COPY .limg-build-ca.pem /tmp/limg-extra-ca.pem', 'ENV NODE_EXTRA_CA_CERTS=/tmp/limg-extra-ca.pem'])
    const final = lines.slice(lines.lastIndexOf('FROM public.ecr.aws/lambda/nodejs:20'))
    assert.ok(final.every((l) => !l.includes('limg-extra-ca')), final.join('\n'))
  })

  it('gives the CA to the final stage\'s RUN steps alone, then deletes it, when the image is built where it installs', () => {
    const result = rewriteOwnDockerfile(SINGLE_STAGE.replace('RUN npm install', 'RUN npm install\nRUN ["npm", "run", "build"]'), {caCertContextPath: '.limg-build-ca.pem'})
    assert.equal(result.caInFinalChain, true)
    assert.deepEqual(result.text.split('\n'), [
      'FROM public.ecr.aws/lambda/nodejs:22',
      'COPY app.mjs package*.json ./',
      'COPY .limg-build-ca.pem /tmp/limg-extra-ca.pem',
      'RUN export NODE_EXTRA_CA_CERTS=/tmp/limg-extra-ca.pem; npm install',
      'RUN ["env","NODE_EXTRA_CA_CERTS=/tmp/limg-extra-ca.pem","npm","run","build"]',
      'CMD [ "app.lambdaHandler" ]',
      `RUN ${JSON.stringify(['node', '-e', `require('fs').rmSync("/tmp/limg-extra-ca.pem", {force: true})`])}`,
      '',
    ])
    assert.doesNotMatch(result.text, /^ENV /m)
  })
})
