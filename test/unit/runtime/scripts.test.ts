import {strict as assert} from 'node:assert'
import {execFileSync, spawnSync} from 'node:child_process'
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const ENTRYPOINT = join(repoRoot, 'base/lambda-entrypoint.sh')
const BOOTSTRAP = join(repoRoot, 'base/runtime/bootstrap')

function script(dir: string, name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

// The scripts use image paths; copies in a temp folder point them at stand-ins.
function copyWith(source: string, dir: string, replacements: Record<string, string>): string {
  let text = readFileSync(source, 'utf8')
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to)
  const path = join(dir, 'copy.sh')
  writeFileSync(path, text)
  chmodSync(path, 0o755)
  return path
}

describe('offline base image shell scripts', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'limg-base-scripts-'))
  })

  afterEach(() => {
    rmSync(dir, {recursive: true, force: true})
  })

  it('parse as POSIX sh', () => {
    for (const file of [ENTRYPOINT, BOOTSTRAP]) execFileSync('sh', ['-n', file])
  })

  describe('lambda-entrypoint.sh', () => {
    for (const args of [[], ['a.handler', 'extra']]) {
      it(`exits 142 when given ${args.length} arguments`, () => {
        const result = spawnSync('sh', [ENTRYPOINT, ...args], {encoding: 'utf8'})
        assert.equal(result.status, 142)
        assert.equal(result.stderr, 'entrypoint requires the handler name to be the first argument\n')
      })
    }

    it('runs the bootstrap behind the emulator without AWS_LAMBDA_RUNTIME_API', () => {
      const rie = script(dir, 'rie', 'echo "rie $* handler=$_HANDLER"')
      const bootstrap = script(dir, 'bootstrap', 'echo "bootstrap handler=$_HANDLER"')
      const copy = copyWith(ENTRYPOINT, dir, {'/usr/local/bin/aws-lambda-rie': rie, '/var/runtime/bootstrap': bootstrap})
      const out = execFileSync('sh', [copy, 'index.handler'], {encoding: 'utf8', env: {PATH: process.env.PATH}})
      assert.equal(out, `rie ${bootstrap} handler=index.handler\n`)
    })

    it('runs the bootstrap directly when AWS_LAMBDA_RUNTIME_API is set', () => {
      const rie = script(dir, 'rie', 'echo rie')
      const bootstrap = script(dir, 'bootstrap', 'echo "bootstrap $# handler=$_HANDLER"')
      const copy = copyWith(ENTRYPOINT, dir, {'/usr/local/bin/aws-lambda-rie': rie, '/var/runtime/bootstrap': bootstrap})
      const out = execFileSync('sh', [copy, 'src/app.main'], {
        encoding: 'utf8',
        env: {PATH: process.env.PATH, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001'},
      })
      assert.equal(out, 'bootstrap 0 handler=src/app.main\n')
    })
  })

  describe('bootstrap', () => {
    function runBootstrap(env: Record<string, string>): string[] {
      const node = script(dir, 'node', 'if [ "$1" = "-e" ]; then printf 20; exit 0; fi\nprintf "%s\\n" "NODE_PATH=$NODE_PATH" "$@"')
      const copy = copyWith(BOOTSTRAP, dir, {'/var/lang/bin/node': node})
      return execFileSync('sh', [copy], {encoding: 'utf8', env: {PATH: process.env.PATH, ...env}}).trim().split('\n')
    }

    it('sets NODE_PATH for the Node major and sizes the heap from the memory setting', () => {
      assert.deepEqual(runBootstrap({AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3008'}), [
        'NODE_PATH=/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
        '--expose-gc',
        '--max-semi-space-size=150',
        '--max-old-space-size=2708',
        '/var/runtime/limg-ric/main.js',
      ])
    })

    it('keeps a NODE_PATH that is already set', () => {
      assert.deepEqual(runBootstrap({NODE_PATH: '/custom'}), ['NODE_PATH=/custom', '--expose-gc', '/var/runtime/limg-ric/main.js'])
    })
  })
})
