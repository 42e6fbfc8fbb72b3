#!/usr/bin/env bash
# The test command: sets up the engine, arm64 emulation and the registry binary, installs
# the locked dependencies when needed, then builds, lints and runs every test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/test-env.sh

# npm writes node_modules/.package-lock.json on every install: older than the lock file means stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npm test
