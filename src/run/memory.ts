import type {Architecture} from '../catalog/runtimes.js'

/** What the emulator process itself needs beside the function (limg's emulator is a Node process). */
const EMULATOR_HEADROOM_MB = 64
/**
 * Under qemu user-mode emulation (an arm64 image on an x86_64 engine, or the reverse) the
 * translator's code cache and its copy of the guest's memory map count against the container's
 * limit: a 128 MB Node 24 function is killed on its first invocation without this.
 */
const EMULATION_HEADROOM_MB = 512

/**
 * The container's memory limit for a function of `functionMb`: the function's memory, as Lambda
 * enforces it, plus what the local emulator and any CPU emulation need on top. The function
 * still sees `functionMb` as its memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE).
 */
export function containerMemoryBytes(functionMb: number, arch: Architecture, hostArch: string = process.arch): number {
  const native = (arch === 'x86_64' && hostArch === 'x64') || (arch === 'arm64' && hostArch === 'arm64')
  const headroom = EMULATOR_HEADROOM_MB + (native ? 0 : EMULATION_HEADROOM_MB)
  return (functionMb + headroom) * 1024 * 1024
}
