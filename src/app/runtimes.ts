import {RUNTIMES, awsBaseImage, defaultRuntime, isDeprecated, type RuntimeId} from '../catalog/runtimes.js'

export interface RuntimeRow {
  id: RuntimeId
  os: string
  baseImages: {x86_64: string; arm64: string}
  productionInstall: string
  esModules: boolean
  deprecated: boolean
  deprecationDate: string
}

export interface RuntimesResult {
  default: RuntimeId
  runtimes: RuntimeRow[]
}

/** `limg runtimes`: the runtime table, with which are deprecated on `now` and the default then. */
export function runtimes(now: Date = new Date()): RuntimesResult {
  return {
    default: defaultRuntime(now).id,
    runtimes: RUNTIMES.map((r) => ({
      id: r.id,
      os: r.os,
      baseImages: {x86_64: awsBaseImage(r, 'x86_64'), arm64: awsBaseImage(r, 'arm64')},
      productionInstall: r.productionInstall.join(' '),
      esModules: r.esModules,
      deprecated: isDeprecated(r, now),
      deprecationDate: r.deprecation.date,
    })),
  }
}
