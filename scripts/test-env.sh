#!/usr/bin/env bash
# Installs and starts what limg's tests need: a Docker engine, arm64 emulation (qemu +
# binfmt_misc), the registry binary the push tests start per run, busybox for the tests'
# scratch images, `ip` for the bridge of the private engine the engine-restart test starts and
# the network namespace of the remote-engine tests, and sshd, ssh-agent and openssl for their
# ssh:// and TLS engines, and Podman (with runc) for the Podman suite. Idempotent; prints
# nothing when everything is already in place.
#
# Overridable for testing this script itself:
#   LIMG_DOCKER_SOCKET       the engine socket to check and start (default /var/run/docker.sock)
#   LIMG_DOCKERD_LOG         where a dockerd started here logs (default /var/log/limg-dockerd.log)
#   LIMG_DOCKERD_EXTRA_ARGS  extra dockerd arguments, split on spaces
set -euo pipefail

PACKAGES=(docker.io qemu-user-static binfmt-support docker-registry busybox-static ca-certificates iproute2 skopeo openssh-server openssh-client openssl podman runc conmon containernetworking-plugins)
SOCKET="${LIMG_DOCKER_SOCKET:-/var/run/docker.sock}"
DOCKERD_LOG="${LIMG_DOCKERD_LOG:-/var/log/limg-dockerd.log}"
BINFMT_DIR=/proc/sys/fs/binfmt_misc
PING_WAIT_SECONDS=60

say() { printf 'test-env: %s\n' "$*" >&2; }

# Prints what a person has to do by hand, then fails.
cannot() {
  say "cannot set up the test environment here: $1"
  cat >&2 <<EOF
test-env: on Debian or Ubuntu, as root:
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${PACKAGES[*]}
  dockerd >/var/log/limg-dockerd.log 2>&1 &      # then wait for: docker info
  mount -t binfmt_misc binfmt_misc $BINFMT_DIR   # if not mounted
  update-binfmts --enable qemu-aarch64
Elsewhere: a running Docker engine (20.10 or later) reachable at $SOCKET, and arm64
emulation registered with the F (fix-binary) flag, e.g. docker run --privileged --rm tonistiigi/binfmt --install arm64.
EOF
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

missing_packages() {
  local pkg status
  for pkg in "${PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [ "$status" = "install ok installed" ] || printf '%s\n' "$pkg"
  done
}

ensure_packages() {
  command -v dpkg-query >/dev/null 2>&1 || {
    # Not Debian: accept the tools if they are already there, else say what is needed.
    command -v dockerd >/dev/null 2>&1 && command -v docker-registry >/dev/null 2>&1 && command -v busybox >/dev/null 2>&1 && return 0
    cannot "this is not a Debian-based system (no dpkg) and dockerd, docker-registry or busybox is missing"
  }
  local missing
  missing="$(missing_packages)"
  [ -z "$missing" ] && return 0
  is_root || cannot "missing packages: $(echo $missing) (and not running as root)"
  command -v apt-get >/dev/null 2>&1 || cannot "missing packages: $(echo $missing) (and no apt-get)"
  say "installing: $(echo $missing)"
  local log
  log="$(mktemp)"
  # apt's chatter goes to a file, shown only when it fails.
  # shellcheck disable=SC2086 # one package per word
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l apt-get install -y --no-install-recommends $missing; } >"$log" 2>&1 </dev/null; then
    say "apt-get failed; its last lines:"
    tail -n 30 "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

engine_answers() {
  # Node is the one tool every machine running limg has; curl may be absent.
  node -e '
    const req = require("http").get({socketPath: process.argv[1], path: "/_ping", timeout: 2000}, (res) => {
      let body = ""
      res.on("data", (c) => (body += c))
      res.on("end", () => process.exit(res.statusCode === 200 && body === "OK" ? 0 : 1))
    })
    req.on("error", () => process.exit(1))
    req.on("timeout", () => { req.destroy(); process.exit(1) })
  ' "$SOCKET" 2>/dev/null
}

ensure_engine() {
  engine_answers && return 0
  is_root || cannot "no Docker engine answers at $SOCKET (and not running as root to start one)"
  command -v dockerd >/dev/null 2>&1 || cannot "dockerd is not installed"
  local args=()
  if [ "$SOCKET" != /var/run/docker.sock ]; then args+=(--host "unix://$SOCKET"); fi
  # shellcheck disable=SC2206 # split on spaces by design
  [ -n "${LIMG_DOCKERD_EXTRA_ARGS:-}" ] && args+=(${LIMG_DOCKERD_EXTRA_ARGS})
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  say "starting dockerd (log: $DOCKERD_LOG)"
  # setsid: the engine must outlive this script and not take its terminal's Ctrl-C.
  setsid dockerd "${args[@]}" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  local pid=$! waited=0
  until engine_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "dockerd exited before answering; the end of $DOCKERD_LOG:"
      tail -n 30 "$DOCKERD_LOG" >&2
      exit 1
    fi
    if [ "$waited" -ge "$PING_WAIT_SECONDS" ]; then
      say "dockerd did not answer GET /_ping on $SOCKET within ${PING_WAIT_SECONDS}s; the end of $DOCKERD_LOG:"
      tail -n 30 "$DOCKERD_LOG" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "dockerd is up (pid $pid)"
}

arm64_enabled() {
  [ -r "$BINFMT_DIR/qemu-aarch64" ] || return 1
  head -n 1 "$BINFMT_DIR/qemu-aarch64" | grep -qx enabled || return 1
  # Without the F flag the kernel looks for the interpreter inside each container, where it is not.
  grep -q '^flags:.*F' "$BINFMT_DIR/qemu-aarch64"
}

ensure_arm64() {
  arm64_enabled && return 0
  is_root || cannot "arm64 emulation (binfmt_misc qemu-aarch64) is not enabled (and not running as root)"
  if [ ! -e "$BINFMT_DIR/register" ]; then
    mount -t binfmt_misc binfmt_misc "$BINFMT_DIR" 2>/dev/null || cannot "binfmt_misc is not mounted and cannot be mounted (a container without privileges?)"
  fi
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  # update-binfmts refuses when binfmt-support's own service has not imported the entry yet.
  if ! arm64_enabled; then
    update-binfmts --import qemu-aarch64 >/dev/null 2>&1 || true
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  fi
  arm64_enabled || cannot "update-binfmts --enable qemu-aarch64 did not enable arm64 emulation with the F flag ($(head -n 2 "$BINFMT_DIR/qemu-aarch64" 2>/dev/null | tr '\n' ' '))"
  say "arm64 emulation enabled"
}

check_qemu_runs() {
  # The emulator itself must be runnable: a broken or foreign-architecture install fails here.
  /usr/bin/qemu-aarch64-static -version >/dev/null 2>&1 || cannot "/usr/bin/qemu-aarch64-static does not run"
}

ensure_packages
ensure_engine
ensure_arm64
check_qemu_runs
