// oclif's entry points, in their own module so that the bundle's `--version` path (bin/run.js)
// loads none of oclif, and every command shares this one copy of it.
export {flush, run} from '@oclif/core'
