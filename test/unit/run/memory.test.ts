import {strict as assert} from 'node:assert'
import {containerMemoryBytes} from '../../../src/run/memory.js'

const MB = 1024 * 1024

describe('container memory limit', () => {
  it("is the function's memory plus the emulator's share on a native engine", () => {
    assert.equal(containerMemoryBytes(128, 'x86_64', 'x64'), (128 + 64) * MB)
    assert.equal(containerMemoryBytes(1024, 'arm64', 'arm64'), (1024 + 64) * MB)
  })

  it('leaves room for qemu when the image is for another architecture', () => {
    assert.equal(containerMemoryBytes(128, 'arm64', 'x64'), (128 + 64 + 512) * MB)
    assert.equal(containerMemoryBytes(128, 'x86_64', 'arm64'), (128 + 64 + 512) * MB)
  })
})
