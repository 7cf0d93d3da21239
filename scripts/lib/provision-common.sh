# Sourced by the provision scripts (provision.sh, provision-docker.sh, provision-kube.sh): the cache
# root, Go's environment under it, the pinned runtime versions, and the timed steps each prints.
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
