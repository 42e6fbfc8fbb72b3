// oclif's entry points, in their own module so that the bundle's `--version` path (bin/run.js)
// loads none of oclif, and every command shares this one copy of it. Flags is here for
// scripts/write-manifest.js, which compares the commands' flags with this copy's.
export {Flags, flush, run} from '@oclif/core'
