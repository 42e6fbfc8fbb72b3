#!/usr/bin/env bash
# The quick start: scaffolds a function in a temporary folder, builds an offline
# Lambda-compatible base image for its runtime (no access to public ECR needed), builds the
# function's image on it, runs it with the emulator, invokes it once and stops it.
# Prints each step and where the results are.
#
#   ./scripts/quickstart.sh                  # my-function in a fresh folder under $TMPDIR, x86_64
#   ./scripts/quickstart.sh --arch arm64     # the same for arm64 (emulated on an x86_64 host)
#   ./scripts/quickstart.sh DIR              # scaffold into DIR (its name becomes the function's)
set -euo pipefail
ARCH_FLAG=()
if [ "${1:-}" = "--arch" ]; then
  ARCH_FLAG=(--arch "${2:?--arch needs x86_64 or arm64}")
  shift 2
fi
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

step() { printf '\n==> %s\n' "$*" >&2; }
limg() { "$REPO/bin/run.js" "$@"; }
json_field() { node -e 'let s="";process.stdin.on("data",(c)=>s+=c).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));if(v===undefined)process.exit(1);console.log(v)})' "$1"; }

step "Checking the Docker engine and arm64 emulation (scripts/test-env.sh)"
./scripts/test-env.sh

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

step "Compiling limg (npm run build)"
npm run build --silent

DIR="${1:-$(mktemp -d "${TMPDIR:-/tmp}/limg-quickstart.XXXXXX")/my-function}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

step "Scaffolding a function in $DIR (limg init --yes)"
(cd "$DIR" && limg init --yes "${ARCH_FLAG[@]}")

RUNTIME="$(json_field runtime <"$DIR/limg.json")"
ARCH="$(json_field arch <"$DIR/limg.json")"

step "Building the offline base image for $RUNTIME on $ARCH (limg base build; a minute or two the first time)"
BASE_JSON="$(cd "$DIR" && limg base build --runtime "$RUNTIME" --arch "$ARCH" --json)"
BASE_IMAGE="$(printf '%s' "$BASE_JSON" | json_field image)"

step "Building the function's image on $BASE_IMAGE (limg build)"
# Progress goes to stderr; stdout is the image's tag.
IMAGE="$(cd "$DIR" && limg build --base-image "$BASE_IMAGE")"

step "Starting it with the emulator (limg run --detach)"
(cd "$DIR" && limg run --detach --no-build)

step "Invoking it with events/event.json (limg invoke)"
# The payload goes to stdout, the function's log lines to stderr.
(cd "$DIR" && limg invoke --event events/event.json)
echo >&2

step "Stopping it (limg stop)"
(cd "$DIR" && limg stop)

cat >&2 <<EOF

Done.
  project:     $DIR
  base image:  $BASE_IMAGE
  image:       $IMAGE ($ARCH)

Next, in $DIR:
  node $REPO/bin/run.js run               # serve in the foreground with the function's log; Ctrl-C stops it
  node $REPO/bin/run.js push              # to Amazon ECR, with your AWS credentials
  node $REPO/bin/run.js deploy --create-role   # to AWS Lambda (pushing first), then invoke --remote, logs --remote
EOF
