import data from './typescript-toolchain.json' with {type: 'json'}
import type {RuntimeId} from '../catalog/runtimes.js'

/** What the typescript template installs and compiles to for one runtime. */
export interface TypescriptToolchain {
  /** The exact `typescript` version; templates/project/locks/typescript-<version>.json locks it. */
  typescript: string
  /** tsconfig's target and lib: the newest ECMAScript edition the runtime's Node runs. */
  target: string
  typesAwsLambda: string
}

const table = data.runtimes as Record<RuntimeId, {typescript: string; target: string}>

export function typescriptToolchain(runtime: RuntimeId): TypescriptToolchain {
  return {...table[runtime], typesAwsLambda: data.typesAwsLambda}
}
