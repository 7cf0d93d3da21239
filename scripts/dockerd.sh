#!/usr/bin/env bash
# A private Docker daemon for the shipping tests (test/e2e/ship-*.test.ts) and for
# scripts/provision-docker.sh, which builds the stand-in images into it.
#
#   bash scripts/dockerd.sh start   # prints "started" or "running" (already up), then DOCKER_HOST=...
#   bash scripts/dockerd.sh stop    # stops dockerd, then containerd (their containers die with them)
#   bash scripts/dockerd.sh host    # prints the DOCKER_HOST value
#
# Debian's docker.io 20.10 (API 1.41) with its own containerd, both kept apart from any daemon the
# machine runs: data under $FASTDAPR_CACHE/docker/data (images and build cache survive between runs;
# deleting the cache reproduces a cold run), state and sockets under $FASTDAPR_CACHE/docker/run.
# No iptables rules and no default bridge: builds use --network host, containers run on networks
# the tests create. A port published without an address would bind every interface (docker-proxy;
# --ip covers only the default bridge), so the tests publish on 127.0.0.1 only.
set -euo pipefail

CACHE="${FASTDAPR_CACHE:-$HOME/.cache/fastdapr}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
ROOT="$CACHE/docker"
RUN="$ROOT/run"
DOCKER_SOCK="$RUN/docker.sock"
CONTAINERD_SOCK="$RUN/containerd.sock"
export DOCKER_HOST="unix://$DOCKER_SOCK"

die() { echo "dockerd.sh: ERROR: $*" >&2; exit 1; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
responding() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

wait_until() { # <seconds> <what> <command...>
  local limit=$1 what=$2; shift 2
  local end=$(( $(date +%s) + limit ))
  until "$@"; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.2
  done
}

start() {
  if alive "$RUN/dockerd.pid" && responding; then echo running; echo "DOCKER_HOST=$DOCKER_HOST"; return 0; fi
  command -v dockerd >/dev/null || die "dockerd not found: run scripts/provision-docker.sh (installs Debian's docker.io)"
  mkdir -p "$RUN" "$ROOT/data" "$ROOT/exec" "$ROOT/containerd"
  # a daemon killed without stop (SIGKILL of the runner) leaves its pid files; both are replaced
  stop_quietly
  # containerd's own CRI plugin is not wanted (dockerd's managed containerd disables it too)
  cat > "$RUN/containerd.toml" <<EOF
version = 2
root = "$ROOT/containerd/root"
state = "$RUN/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CONTAINERD_SOCK"
EOF
  setsid containerd --config "$RUN/containerd.toml" > "$RUN/containerd.log" 2>&1 < /dev/null &
  echo $! > "$RUN/containerd.pid"
  wait_until 30 containerd test -S "$CONTAINERD_SOCK" \
    || { tail -20 "$RUN/containerd.log" >&2; die "containerd did not open $CONTAINERD_SOCK (log: $RUN/containerd.log)"; }
  setsid dockerd \
    --host "$DOCKER_HOST" \
    --containerd "$CONTAINERD_SOCK" \
    --data-root "$ROOT/data" \
    --exec-root "$ROOT/exec" \
    --pidfile "$RUN/dockerd.pid" \
    --iptables=false --ip-forward=false --bridge=none \
    > "$RUN/dockerd.log" 2>&1 < /dev/null &
  wait_until 60 dockerd responding \
    || { tail -20 "$RUN/dockerd.log" >&2; die "dockerd did not answer on $DOCKER_SOCK (log: $RUN/dockerd.log)"; }
  echo started
  echo "DOCKER_HOST=$DOCKER_HOST"
}

stop_pid() { # <pidfile> <seconds>: SIGTERM, SIGKILL after the grace period
  local file=$1 grace=$2
  alive "$file" || { rm -f "$file"; return 0; }
  local pid; pid="$(cat "$file")"
  kill -TERM "$pid" 2>/dev/null || true
  wait_until "$grace" "exit of $pid" bash -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
  wait_until 5 "exit of $pid" bash -c "! kill -0 $pid 2>/dev/null" || true
  rm -f "$file"
}

stop_quietly() {
  # dockerd stops its containers first (up to their stop timeouts), then exits
  stop_pid "$RUN/dockerd.pid" 40
  stop_pid "$RUN/containerd.pid" 15
  # dockerd leaves the host's network namespace bind-mounted in its exec root: without this,
  # deleting the cache (to reproduce a cold run) fails with "Device or resource busy"
  local m
  for m in $(awk -v root="$ROOT/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop_quietly; echo stopped ;;
  host) echo "$DOCKER_HOST" ;;
  *) echo "usage: $0 start|stop|host" >&2; exit 2 ;;
esac
