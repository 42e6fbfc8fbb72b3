import {cpus, loadavg, release, totalmem, type as osType} from 'node:os'
import {execa} from 'execa'

export interface Machine {
  cpuModel: string
  cores: number
  memoryBytes: number
  os: string
  node: string
  dockerEngine: string
  dockerApi: string
  dockerClient: string
  storageDriver: string
  loadAverageAtStart: number[]
}

export async function describeMachine(): Promise<Machine> {
  const cpu = cpus()
  const server = await execa('docker', ['version', '--format', '{{.Server.Version}}|{{.Server.APIVersion}}|{{.Client.Version}}'], {reject: false})
  const [dockerEngine = 'unknown', dockerApi = 'unknown', dockerClient = 'unknown'] = String(server.stdout).trim().split('|')
  const info = await execa('docker', ['info', '--format', '{{.Driver}}'], {reject: false})
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    os: `${osType()} ${release()}`,
    node: process.version,
    dockerEngine,
    dockerApi,
    dockerClient,
    storageDriver: String(info.stdout).trim() || 'unknown',
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  }
}

export function describeMachineLine(m: Machine): string {
  return `${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 1024 ** 3).toFixed(0)} GiB RAM, ${m.os}, Node ${m.node}, Docker Engine ${m.dockerEngine} (API ${m.dockerApi}, ${m.storageDriver}), docker CLI ${m.dockerClient}`
}
