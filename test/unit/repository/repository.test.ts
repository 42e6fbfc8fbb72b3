import {strict as assert} from 'node:assert'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {matchFolders} from '../../../src/repository/folder-glob.js'
import {enclosingRepository, findRepository, pnpmPackages, refuseRepositoryRoot, selectFunctions} from '../../../src/repository/repository.js'

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'limg-repo-'))
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), {recursive: true})
    await writeFile(join(root, path), text)
  }
  return root
}

const fn = (name: string): string => JSON.stringify({name, runtime: 'nodejs22.x'})

describe('a repository of functions', () => {
  let root = ''
  afterEach(async () => {
    if (root) await rm(root, {recursive: true, force: true})
  })

  it('matches folder globs: * within a segment, ** at any depth, ! to leave one out, never node_modules or dot folders', async () => {
    root = await tree({'a/x/f': '', 'a/y/f': '', 'a/old/f': '', 'b/deep/er/f': '', 'a/node_modules/m/f': '', 'a/.hidden/f': '', 'c/f': ''})
    assert.deepEqual(await matchFolders(root, ['a/*', '!a/old']), ['a/x', 'a/y'])
    assert.deepEqual(await matchFolders(root, ['b/**']), ['b', 'b/deep', 'b/deep/er'])
    assert.deepEqual(await matchFolders(root, ['./c/', 'c', 'a/?']), ['a/x', 'a/y', 'c'])
    assert.deepEqual(await matchFolders(root, ['missing/*', '../etc']), [])
  })

  it('reads limg.json\'s "functions": the matched folders holding a limg.json, by name', async () => {
    root = await tree({
      'limg.json': JSON.stringify({functions: ['functions/*', 'tools/report']}),
      'functions/orders/limg.json': fn('orders'),
      'functions/billing/limg.json': fn('billing'),
      'functions/notes/README.md': 'not a function',
      'tools/report/limg.json': fn('report'),
    })
    const repository = await findRepository(root)
    assert.equal(repository?.source, 'limg.json')
    assert.deepEqual(repository?.functions.map((f) => [f.name, f.path]), [['billing', 'functions/billing'], ['orders', 'functions/orders'], ['report', 'tools/report']])
    assert.deepEqual(selectFunctions(repository!, ['orders', 'tools/report']).map((f) => f.name), ['orders', 'report'])
    assert.throws(() => selectFunctions(repository!, ['nope']), /No function "nope" in .* \(billing, orders, report\)/)
  })

  it('is not a repository when limg.json is one function\'s, or there is none and no workspaces', async () => {
    root = await tree({'limg.json': fn('single'), 'sub/package.json': '{}'})
    assert.equal(await findRepository(root), undefined)
    assert.equal(await findRepository(join(root, 'sub')), undefined)
  })

  it('refuses globs that match no function, that leave the repository, and two functions with one name', async () => {
    root = await tree({'limg.json': JSON.stringify({functions: ['functions/*']}), 'functions/a/x.js': ''})
    await assert.rejects(findRepository(root), /lists "functions" \["functions\/\*"\], but no folder they match holds a limg\.json/)
    await writeFile(join(root, 'limg.json'), JSON.stringify({functions: ['../other/*']}))
    await assert.rejects(findRepository(root), /inside the repository only/)
    await writeFile(join(root, 'limg.json'), JSON.stringify({functions: 'functions/*'}))
    await assert.rejects(findRepository(root), /must be a list of folder globs/)
    await writeFile(join(root, 'limg.json'), JSON.stringify({functions: []}))
    await assert.rejects(findRepository(root), /"functions" is an empty list/)
    await writeFile(join(root, 'limg.json'), JSON.stringify({functions: ['functions/*']}))
    await mkdir(join(root, 'functions/b'))
    await writeFile(join(root, 'functions/a/limg.json'), fn('same'))
    await writeFile(join(root, 'functions/b/limg.json'), fn('same'))
    await assert.rejects(findRepository(root), /Two functions .* are named "same": functions\/a and functions\/b/)
  })

  it('without a limg.json, takes npm and Yarn workspaces (both forms) and pnpm-workspace.yaml, keeping the folders with a limg.json', async () => {
    root = await tree({'package.json': JSON.stringify({workspaces: ['packages/*']}), 'packages/api/limg.json': fn('api'), 'packages/lib/package.json': '{}'})
    assert.deepEqual((await findRepository(root))?.functions.map((f) => f.name), ['api'])
    await writeFile(join(root, 'package.json'), JSON.stringify({workspaces: {packages: ['packages/api']}}))
    assert.equal((await findRepository(root))?.source, 'package.json workspaces')
    await writeFile(join(root, 'package.json'), JSON.stringify({workspaces: ['packages/lib']}))
    assert.equal(await findRepository(root), undefined, 'workspaces without a function are some other monorepo')
    await rm(join(root, 'package.json'))
    await writeFile(join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'packages/*' # all\n  - \"!packages/lib\"\ncatalog:\n  x: 1\n")
    const pnpm = await findRepository(root)
    assert.equal(pnpm?.source, 'pnpm-workspace.yaml')
    assert.deepEqual(pnpm?.functions.map((f) => f.name), ['api'])
  })

  it('reads pnpm-workspace.yaml\'s packages in the flow form too', () => {
    assert.deepEqual(pnpmPackages("packages: ['a/*', \"b\"]\n"), ['a/*', 'b'])
    assert.deepEqual(pnpmPackages('catalog:\n  x: 1\n'), [])
  })

  it('warns about a glob that matches no function and root keys it ignores, beside the functions the others match', async () => {
    root = await tree({'limg.json': JSON.stringify({functions: ['functions/*', 'servcies/*'], runtime: 'nodejs22.x'}), 'functions/a/limg.json': fn('a')})
    const repository = (await findRepository(root))!
    assert.deepEqual(repository.functions.map((f) => f.name), ['a'])
    assert.equal(repository.warnings.length, 2)
    assert.match(repository.warnings[0]!, /glob "servcies\/\*" matches no function folder/)
    assert.match(repository.warnings[1]!, /"runtime" is ignored: a repository's limg\.json holds only "functions"/)
  })

  it('refuses a repository\'s root for one-function commands, naming the folders, and finds the repository a function is in', async () => {
    root = await tree({'limg.json': JSON.stringify({functions: ['fns/*']}), 'fns/a/limg.json': fn('a'), 'fns/b/limg.json': fn('b')})
    await assert.rejects(refuseRepositoryRoot(root, 'run'), (error: Error & {suggestion?: string}) => {
      assert.match(error.message, /is a repository of 2 functions \(fns\/a, fns\/b, from its limg\.json\), and limg run works on one\./)
      assert.match(String(error.suggestion), /Pass --dir with its folder, such as `limg run --dir fns\/a`/)
      return true
    })
    await refuseRepositoryRoot(join(root, 'fns/a'), 'run')
    assert.equal((await enclosingRepository(join(root, 'fns/b')))?.root, root)
    assert.equal(await enclosingRepository(root), undefined)
  })
})
