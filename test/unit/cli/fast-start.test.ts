import {strict as assert} from 'node:assert'
import {type FlagSpecs, parseFastCommandLine} from '../../../src/cli/fast-start.js'

// The shape scripts/write-manifest.js writes for `invoke` and `push` (dist/flag-specs.json).
const SPECS: FlagSpecs = {
  invoke: {
    dir: {kind: 'string', default: '.'},
    event: {kind: 'string'},
    port: {kind: 'integer', min: 1, max: 65535, exclusive: ['remote']},
    remote: {kind: 'boolean'},
    function: {kind: 'string', dependsOn: ['remote']},
  },
  push: {
    dir: {kind: 'string', default: '.'},
    function: {kind: 'string', multiple: true},
    arch: {kind: 'string', options: ['x86_64', 'arm64']},
    'create-repository': {kind: 'boolean', allowNo: true, default: true},
    'no-cache': {kind: 'boolean', default: false},
    'max-images': {kind: 'integer'},
    rie: {kind: 'other'},
  },
}

const parse = (...argv: string[]) => parseFastCommandLine(argv, SPECS, {})

describe('parseFastCommandLine', () => {
  it('parses a plain command line as oclif would: defaults filled in, values typed, --json apart', () => {
    assert.deepEqual(parse('invoke', '--event', 'events/a.json', '--port=9000', '--json'), {id: 'invoke', flags: {dir: '.', event: 'events/a.json', port: 9000}, json: true})
    assert.deepEqual(parse('push'), {id: 'push', flags: {dir: '.', 'create-repository': true, 'no-cache': false}, json: false})
  })

  it('reads --no-<flag> for a flag that allows it, a flag named no-… as itself, and repeats of a multiple flag', () => {
    assert.deepEqual(parse('push', '--no-create-repository', '--no-cache', '--function', 'a', '--function=b', '--arch', 'arm64')?.flags, {
      dir: '.', 'create-repository': false, 'no-cache': true, function: ['a', 'b'], arch: 'arm64',
    })
  })

  it('keeps "-" as a value (stdin)', () => {
    assert.equal(parse('invoke', '--event', '-')?.flags.event, '-')
  })

  const declined: Array<[string, string[]]> = [
    ['an unknown command', ['nope']],
    ['a name from Object.prototype', ['constructor']],
    ['help', ['invoke', '--help']],
    ['a short flag', ['invoke', '-h']],
    ['an argument', ['invoke', 'extra']],
    ['--', ['invoke', '--', '--json']],
    ['an unknown flag', ['invoke', '--nope']],
    ['a flag with a parse of its own', ['push', '--rie', 'x']],
    ['a missing value', ['invoke', '--event']],
    ['a value that looks like a flag', ['invoke', '--event', '--json']],
    ['an empty value', ['invoke', '--event=']],
    ['a non-integer', ['invoke', '--port', '9k']],
    ['an integer below min', ['invoke', '--port', '0']],
    ['an integer above max', ['invoke', '--port', '65536']],
    ['a value outside the options', ['push', '--arch', 'mips']],
    ['a single flag given twice', ['invoke', '--event', 'a', '--event', 'b']],
    ['a boolean given a value', ['invoke', '--remote=true']],
    ['--no- on a flag without allowNo', ['invoke', '--no-remote']],
    ['--no- on a value flag', ['push', '--no-arch']],
    ['exclusive flags together', ['invoke', '--port', '9000', '--remote']],
    ['a flag without the flag it depends on', ['invoke', '--function', 'orders']],
    ['--json twice', ['invoke', '--json', '--json']],
  ]
  for (const [what, argv] of declined) {
    it(`leaves ${what} to oclif`, () => assert.equal(parse(...argv), undefined))
  }

  it('leaves everything to oclif when LIMG_CONTENT_TYPE (oclif\'s --json from the environment) is set', () => {
    assert.equal(parseFastCommandLine(['invoke'], SPECS, {LIMG_CONTENT_TYPE: 'json'}), undefined)
  })

  it('accepts a flag with its dependency given', () => {
    assert.deepEqual(parse('invoke', '--remote', '--function', 'orders')?.flags, {dir: '.', remote: true, function: 'orders'})
  })
})
