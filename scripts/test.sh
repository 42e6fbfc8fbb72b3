#!/usr/bin/env bash
# The test command: sets up the engine, arm64 emulation and the registry binary, installs
# the locked dependencies when needed, then builds, lints and runs every test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/test-env.sh

# AWS's emulator binaries, where the machine has them (CI does): the outcome suites then
# compare limg's emulator with AWS's, and say loudly when they could not.
RIE_DIR=../shared/tools/aws-lambda-rie
if [ -x "$RIE_DIR/aws-lambda-rie-x86_64" ] && [ -z "${LIMG_TEST_RIE_X86_64:-}" ]; then
  LIMG_TEST_RIE_X86_64="$(realpath "$RIE_DIR/aws-lambda-rie-x86_64")"
  export LIMG_TEST_RIE_X86_64
fi
if [ -x "$RIE_DIR/aws-lambda-rie-arm64" ] && [ -z "${LIMG_TEST_RIE_ARM64:-}" ]; then
  LIMG_TEST_RIE_ARM64="$(realpath "$RIE_DIR/aws-lambda-rie-arm64")"
  export LIMG_TEST_RIE_ARM64
fi

# npm writes node_modules/.package-lock.json on every install: older than the lock file means stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npm test
