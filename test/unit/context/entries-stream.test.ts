import {strict as assert} from 'node:assert'
import {mkdtemp, rm, symlink} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {contextStream} from '../../../src/context/entries-stream.js'
import {readTar, writeFiles} from '../base-image/fakes.js'

describe('contextStream', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'limg-unit-context-'))
  })

  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('writes trees in name order with their modes and links, owned by root', async () => {
    await writeFiles(join(dir, 'tree'), {'b/file.txt': 'bee', 'a.sh': '#!/bin/sh\n'}, ['a.sh'])
    await symlink('a.sh', join(dir, 'tree', 'link'))
    const entries = await readTar(contextStream([{kind: 'tree', from: join(dir, 'tree'), to: 'root', modes: {'b/file.txt': 0o600}}]))
    assert.deepEqual(
      entries.map((e) => [e.name, e.type, e.mode & 0o7777, e.linkname ?? e.content ?? '']),
      [
        ['root', 'directory', 0o755, ''],
        ['root/a.sh', 'file', 0o755, '#!/bin/sh\n'],
        ['root/b', 'directory', 0o755, ''],
        ['root/b/file.txt', 'file', 0o600, 'bee'],
        ['root/link', 'symlink', 0o777, 'a.sh'],
      ],
    )
    assert.ok(entries.every((e) => e.uid === 0 && e.gid === 0))
  })

  it('writes single files, folders with special modes, links and generated content', async () => {
    await writeFiles(dir, {'Dockerfile.base': 'FROM scratch\n'})
    const entries = await readTar(
      contextStream([
        {kind: 'file', from: join(dir, 'Dockerfile.base'), to: 'Dockerfile', mode: 0o644},
        {kind: 'directory', to: 'system/tmp', mode: 0o1777},
        {kind: 'symlink', to: 'lang/bin/npm', target: '../lib/node_modules/npm/bin/npm-cli.js'},
        {kind: 'content', to: 'runtime/node-major', data: '20\n', mode: 0o644},
      ]),
    )
    assert.deepEqual(
      entries.map((e) => [e.name, e.mode & 0o7777, e.linkname ?? e.content ?? '']),
      [
        ['Dockerfile', 0o644, 'FROM scratch\n'],
        ['system/tmp', 0o1777, ''],
        ['lang/bin/npm', 0o777, '../lib/node_modules/npm/bin/npm-cli.js'],
        ['runtime/node-major', 0o644, '20\n'],
      ],
    )
  })

  it('writes a folder that two trees share once', async () => {
    await writeFiles(join(dir, 'one'), {'etc/a': 'a'})
    await writeFiles(join(dir, 'two'), {'etc/b': 'b'})
    const entries = await readTar(
      contextStream([
        {kind: 'tree', from: join(dir, 'one'), to: 'system'},
        {kind: 'tree', from: join(dir, 'two'), to: 'system'},
      ]),
    )
    assert.deepEqual(entries.map((e) => e.name), ['system', 'system/etc', 'system/etc/a', 'system/etc/b'])
  })

  it('fails the stream when a source is missing', async () => {
    await assert.rejects(readTar(contextStream([{kind: 'file', from: join(dir, 'missing'), to: 'x'}])), /ENOENT/)
  })
})
