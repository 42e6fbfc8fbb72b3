#!/usr/bin/env bash
# The quick start: scaffolds a function in a temporary folder, builds an offline
# Lambda-compatible base image for its runtime (no access to public ECR needed), then
# builds the function's image on it. Prints each step and where the results are.
#
#   ./scripts/quickstart.sh            # a fresh folder under $TMPDIR
#   ./scripts/quickstart.sh DIR        # scaffold into DIR (must not exist or be empty)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

step() { printf '\n==> %s\n' "$*" >&2; }
limg() { node "$REPO/bin/run.js" "$@"; }
# A command is available once its compiled file exists in dist/.
has_command() { [ -f "$REPO/dist/commands/$1.js" ]; }
json_field() { node -e 'let s="";process.stdin.on("data",(c)=>s+=c).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));if(v===undefined)process.exit(1);console.log(v)})' "$1"; }

step "Checking the Docker engine and arm64 emulation (scripts/test-env.sh)"
./scripts/test-env.sh

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

step "Compiling limg (npm run build)"
npm run build --silent

DIR="${1:-$(mktemp -d "${TMPDIR:-/tmp}/limg-quickstart.XXXXXX")}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

step "Scaffolding a function in $DIR (limg init --yes)"
if ! has_command init; then
  printf 'limg init is not available in this build yet; stopping here.\n' >&2
  exit 1
fi
(cd "$DIR" && limg init --yes)

RUNTIME="$(json_field runtime <"$DIR/limg.json")"
ARCH="$(json_field arch <"$DIR/limg.json")"

step "Building the offline base image for $RUNTIME on $ARCH (limg base build)"
if ! has_command base/build; then
  printf 'limg base build is not available in this build yet; stopping here.\n' >&2
  printf 'The project is scaffolded in %s; with a base image at hand: cd %s && limg build --base-image REF\n' "$DIR" "$DIR" >&2
  exit 1
fi
BASE_JSON="$(cd "$DIR" && limg base build --runtime "$RUNTIME" --arch "$ARCH" --json)"
BASE_IMAGE="$(printf '%s' "$BASE_JSON" | json_field image)"

step "Building the function's image on $BASE_IMAGE (limg build)"
BUILD_JSON="$(cd "$DIR" && limg build --base-image "$BASE_IMAGE" --json)"
IMAGE="$(printf '%s' "$BUILD_JSON" | json_field image)"
SIZE="$(printf '%s' "$BUILD_JSON" | json_field sizeBytes)"
SECONDS_TAKEN="$(printf '%s' "$BUILD_JSON" | node -e 'let s="";process.stdin.on("data",(c)=>s+=c).on("end",()=>console.log((JSON.parse(s).durationMs/1000).toFixed(1)))')"

cat >&2 <<EOF

Done.
  project:     $DIR
  base image:  $BASE_IMAGE
  image:       $IMAGE ($ARCH, $SIZE bytes, built in ${SECONDS_TAKEN}s)

Next:
  cd $DIR
  node $REPO/bin/run.js run --detach      # start it with the emulator
  node $REPO/bin/run.js invoke --event events/event.json
EOF
