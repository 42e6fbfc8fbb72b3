import {strict as assert} from 'node:assert'
import {DockerignoreMatcher, parseDockerignore} from '../../../src/context/dockerignore.js'
import {InvalidInputError} from '../../../src/errors/index.js'

describe('dockerignore', () => {
  it('reads lines as the Docker CLI does: BOM, comments in column 1, trimming, cleaning, leading slash', () => {
    const text = '\uFEFF# comment\n  spaced  \n/abs/path\n./dot/../clean/\n!  keep\n\n   # not a comment\r\ndir/\n'
    assert.deepEqual(parseDockerignore(text), ['spaced', 'abs/path', 'clean', '!keep', '# not a comment', 'dir'])
  })

  const cases: Array<[string, string[], string, boolean]> = [
    // Anchored at the root: unlike gitignore, a bare name does not match at depth.
    ['bare name at root', ['*.log'], 'a.log', true],
    ['bare name not at depth', ['*.log'], 'sub/a.log', false],
    ['** matches at any depth', ['**/*.log'], 'sub/deep/a.log', true],
    ['** matches zero directories', ['**/*.log'], 'a.log', true],
    ['trailing ** matches everything under', ['sub/**'], 'sub/x/y', true],
    ['* does not cross /', ['*/temp*'], 'a/b/temp', false],
    ['*/temp* one level', ['*/temp*'], 'somedir/temporary.txt', true],
    ['? is one character', ['temp?'], 'tempa', true],
    ['? is not a slash', ['a?b'], 'a/b', false],
    ['a directory pattern excludes what is under it', ['node_modules'], 'node_modules/x/index.js', true],
    ['exception puts a file back', ['*.md', '!README.md'], 'README.md', false],
    ['later pattern wins', ['!README.md', '*.md'], 'README.md', true],
    ['exception inside an excluded directory', ['docs', '!docs/keep.md'], 'docs/keep.md', false],
    ['dots are literal', ['a.b'], 'axb', false],
    ['character classes', ['file[0-9]'], 'file7', true],
    ['escaped star is literal', ['a\\*'], 'ab', false],
    ['leading slash and ./ are cleaned', ['/build', './dist'], 'dist/x', true],
    ['** in the middle', ['a/**/z'], 'a/b/c/z', true],
    ['** in the middle, zero dirs', ['a/**/z'], 'a/z', true],
  ]
  for (const [name, patterns, path, excluded] of cases) {
    it(`${name}: ${JSON.stringify(patterns)} ${excluded ? 'excludes' : 'keeps'} ${path}`, () => {
      assert.equal(new DockerignoreMatcher(patterns).matches(path), excluded)
    })
  }

  it('walks into an excluded directory only when an exception names a path inside it (Docker\'s prefix rule)', () => {
    const m = new DockerignoreMatcher(['docs', '!docs/keep.md', 'node_modules', '!**/important'])
    assert.equal(m.mayIncludeUnder('docs'), true)
    assert.equal(m.mayIncludeUnder('node_modules'), false)
    assert.equal(new DockerignoreMatcher(['node_modules']).mayIncludeUnder('node_modules'), false)
  })

  it('refuses malformed patterns as Docker does', () => {
    assert.throws(() => new DockerignoreMatcher(['[abc']), InvalidInputError)
    assert.throws(() => new DockerignoreMatcher(['!']), InvalidInputError)
  })
})
