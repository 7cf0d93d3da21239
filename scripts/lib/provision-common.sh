# Sourced by the provision scripts (provision.sh, provision-docker.sh, provision-kube.sh,
# provision-otel.sh, provision-cluster.sh): the cache root, Go's environment under it, the pinned
# runtime versions, the timed steps each prints, apt installs and the generator's image names.
# Set PROVISION_NAME (error prefix) and optionally STEP_WIDTH (summary column) before sourcing.
#
# Go's module and build caches are kept under the cache root ($FASTDAPR_CACHE/go/{mod,build}) so one
# directory holds everything, the scripts share one compile cache, and deleting it reproduces a
# cold run exactly.

CACHE="${FASTDAPR_CACHE:-$HOME/.cache/fastdapr}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
export GOMODCACHE="$CACHE/go/mod"
export GOCACHE="$CACHE/go/build"
export GOTOOLCHAIN=local
export GOFLAGS="-buildvcs=false"
export CGO_ENABLED=0

# The one pin of the Dapr runtime and the Kafka broker, read by the generator too (src/versions.ts).
PINNED_VERSIONS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/runtime-versions.json"
pinned() { node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))[process.argv[2]]" "$PINNED_VERSIONS" "$1"; }

T0=$(date +%s)
declare -a SUMMARY=()
now() { date +%s; }
step() { STEP_NAME="$1"; STEP_T0=$(now); echo "==> [$(( $(now) - T0 ))s] $STEP_NAME"; }
done_step() {
  local dt=$(( $(now) - STEP_T0 ))
  echo "    done: $STEP_NAME (${dt}s) $*"
  SUMMARY+=("$(printf "%-${STEP_WIDTH:-34}s %5ss  %s" "$STEP_NAME" "$dt" "$*")")
}
die() { echo "${PROVISION_NAME:-provision}: ERROR: $*" >&2; exit 1; }

# apt and dpkg allow one user at a time, and scripts/test.sh runs provision.sh and provision-kube.sh
# side by side: each script holds this lock from its first apt command to its last (policy-rc.d
# included, which two installs must not add and remove under each other).
apt_lock() { exec 9>"$CACHE/.apt.lock"; flock 9; }
apt_unlock() { flock -u 9; exec 9>&-; }

# load_container_images <key>...: IMAGE[<key>] = the image name the generated files use, from the
# generator's own table (src/versions.ts CONTAINER_IMAGES), read in one node start
declare -A IMAGE=()
load_container_images() {
  local key name
  while IFS='=' read -r key name; do IMAGE[$key]="$name"; done < <(
    cd "$(dirname "${BASH_SOURCE[0]}")/../.." && node --import tsx --input-type=module \
      -e 'import { CONTAINER_IMAGES } from "./src/versions.ts"; for (const [k, v] of Object.entries(CONTAINER_IMAGES)) console.log(`${k}=${v}`)'
  )
  for key in "$@"; do [ -n "${IMAGE[$key]:-}" ] || die "src/versions.ts CONTAINER_IMAGES has no $key"; done
}

as_root() { # <command>...: itself when root, through sudo -n otherwise
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else die "need root for: $*"; fi
}

# apt_install <package>...: under the apt lock, with a policy-rc.d in place so that no maintainer
# script starts its daemon (the tests run their own daemons), removed again afterwards even when
# the install fails. The package lists are refreshed first: a stale list names versions the mirror
# no longer has.
apt_install() {
  local policy_added=0 rc=0
  apt_lock
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@"; } || rc=$?
  if [ "$policy_added" = 1 ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
  apt_unlock
  [ "$rc" = 0 ] || die "apt-get install $* failed (exit $rc)"
}

scratch_module() { # <dir>: an empty module to resolve and download from
  mkdir -p "$1" && ( cd "$1" && go mod init "fastdapr-scratch" >/dev/null 2>&1 )
}
mod_dir() { # <module@version>: download (a no-op when cached) and print its folder
  local d; d="$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-mod.XXXXXX")"
  scratch_module "$d"
  ( cd "$d" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' )
  rm -rf "$d"
}

# dapr_module: DAPR_MOD = github.com/dapr/dapr@v$DAPR_VERSION's folder in the (read-only) module cache,
# downloaded once; its charts/ hold the Helm chart and CRDs
DAPR_MOD=""
dapr_module() {
  [ -n "$DAPR_MOD" ] && return 0
  DAPR_MOD="$(mod_dir "github.com/dapr/dapr@v${DAPR_VERSION}")"
  [ -d "$DAPR_MOD/cmd" ] || die "go mod download github.com/dapr/dapr@v${DAPR_VERSION} failed"
}

# dapr_go_build <out> <tags> <command>...: the Dapr module's ./cmd/<command>s, built as every script
# builds them (the release's version stamped in, stripped, -trimpath, so the packages they share
# compile once into the Go build cache). <out> is a file for one command, a folder ending in / for
# several. Built from one writable copy of the module per script run: go build refuses the replace
# directives of a module in the read-only cache. dapr_build_cleanup removes that copy.
DAPR_SRC=""
dapr_go_build() {
  local out="$1" tags="$2" t0 cmd pkgs=()
  shift 2
  if [ -z "$DAPR_SRC" ]; then
    dapr_module
    DAPR_SRC="$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-dapr-build.XXXXXX")/src"
    cp -r "$DAPR_MOD" "$DAPR_SRC" && chmod -R u+w "$DAPR_SRC"
  fi
  for cmd in "$@"; do pkgs+=("./cmd/$cmd"); done
  t0=$(now)
  ( cd "$DAPR_SRC" && go build -trimpath -tags "$tags" \
      -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=${DAPR_VERSION}" \
      -o "$out" "${pkgs[@]}" ) \
    || die "go build of $* (dapr ${DAPR_VERSION}) failed (a dependency not served by the module proxy? see docs/real-runtime.md)"
  echo "    go build $* took $(( $(now) - t0 ))s"
}
dapr_build_cleanup() {
  if [ -n "$DAPR_SRC" ]; then rm -rf "$(dirname "$DAPR_SRC")"; DAPR_SRC=""; fi
}
