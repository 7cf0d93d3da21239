#!/usr/bin/env bash
# Provision what the shipping tests (test/e2e/ship-*.test.ts) need to build and run the generated
# images and compose files the way users do, with no image registry reachable. Run after
# scripts/provision.sh (it reuses its daprd and Kafka jars).
#
#   bash scripts/provision-docker.sh    # idempotent; a warm run takes seconds
#
# Steps (each prints its elapsed time, a summary comes last):
#   1. apt: Debian's docker.io (dockerd 20.10, containerd, runc) and debootstrap, only when missing;
#      maintainer scripts are kept from starting the daemon (scripts/dockerd.sh runs a private one)
#   2. the private daemon (scripts/dockerd.sh), stopped again at exit if this script started it
#   3. compose v2: github.com/docker/compose/v2/cmd built from the Go module proxy (Debian has only
#      v1, which rejects the top-level `name:`), cached as $FASTDAPR_CACHE/compose/<version>/docker-compose;
#      meanwhile, in the background:
#   4. base images from debootstrap (minbase), each imported once, both debootstraps in parallel:
#        the stand-in for the Python image the generated Dockerfile names by default (src/versions.ts,
#        python:3.13-slim-trixie): the Debian release its tag names, whose own python3 must be the
#        version the tag names (checked), and
#        fastdapr-standin/services:bookworm (Redis, PostgreSQL, Java), the base of the next step
#   5. stand-ins for the images the generated compose files name (src/versions.ts): daprd (the
#      binary provision.sh built), Redis, PostgreSQL, Kafka (the jars provision.sh cached), the
#      OpenTelemetry Collector (the binary provision-otel.sh builds, run from here), each built from
#      scripts/docker-standins/<name>/
#   6. writes $FASTDAPR_CACHE/docker/runtime.json, read by test/e2e/harness/docker.ts
#
# Every image carries the label dev.fastdapr.standin=<recipe key>; an image whose key matches is
# not rebuilt. Images and build cache live in the daemon's data root under $FASTDAPR_CACHE/docker,
# so deleting $FASTDAPR_CACHE reproduces a cold run. docs/real-runtime.md says how the stand-ins
# differ from the official images.
#
# Environment:
#   FASTDAPR_CACHE            cache root (default $HOME/.cache/fastdapr)
#   FASTDAPR_COMPOSE_VERSION  compose v2 version (default 2.40.3)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

PROVISION_NAME=provision-docker STEP_WIDTH=48
source "$(dirname "${BASH_SOURCE[0]}")/lib/provision-common.sh"
COMPOSE_VERSION="${FASTDAPR_COMPOSE_VERSION:-2.40.3}"
COMPOSE_VERSION="${COMPOSE_VERSION#v}"
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=http://deb.debian.org/debian
LABEL=dev.fastdapr.standin
STANDINS="$REPO/scripts/docker-standins"
export GOSUMDB=off            # the checksum database is not reachable from here

[ "$(id -u)" = 0 ] || die "run as root: the daemon, debootstrap and chroot need it"
[ -f "$CACHE/runtime.json" ] || die "$CACHE/runtime.json not found: run scripts/provision.sh first"
runtime_field() { sed -n "s/^  \"$1\": \"\(.*\)\",\{0,1\}$/\1/p" "$CACHE/runtime.json"; }
DAPRD="$(runtime_field daprd)"
DAPR_VERSION="$(runtime_field daprdVersion)"
KAFKA_LIBS="$(runtime_field kafkaLibs)"
KAFKA_VERSION="$(runtime_field kafkaVersion)"
KAFKA_LOG4J="$(runtime_field kafkaLog4j)"
[ -x "$DAPRD" ] && [ -d "$KAFKA_LIBS" ] || die "daprd or the Kafka jars missing: re-run scripts/provision.sh"

# ---------------------------------------------------------------- 1. apt
step "apt packages (docker.io, debootstrap)"
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
  done_step "installed ${missing[*]}"
else
  done_step "nothing missing"
fi
command -v docker >/dev/null || die "no docker CLI on PATH"

# ---------------------------------------------------------------- 2. daemon
step "docker daemon"
# read all of start's output, then its first line: `| head -1` would close the pipe early, and the
# SIGPIPE of start's second line failed the whole script under pipefail (a race seen in a CI run)
start_output="$(bash "$REPO/scripts/dockerd.sh" start)"
daemon_state="${start_output%%$'\n'*}"
export DOCKER_HOST="$(bash "$REPO/scripts/dockerd.sh" host)"
declare -a base_jobs=()
on_exit() {
  # a failed step leaves no debootstrap behind, and no daemon this script started
  for job in "${base_jobs[@]}"; do kill "$job" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$daemon_state" = started ]; then bash "$REPO/scripts/dockerd.sh" stop >/dev/null; fi
}
trap on_exit EXIT
done_step "$daemon_state ($DOCKER_HOST)"

load_container_images python daprd redis kafka postgres otelCollector

image_key() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
files_hash() { ( cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16 ); }

# ---------------------------------------------------------------- 4. debootstrap bases (started before 3)
# Python: the packages the official image's role needs (the Dockerfile runs `python -m venv` and pip),
# from the Debian release the image's tag names ("python:3.13-slim-trixie" → trixie, Python 3.13)
PYTHON_INCLUDE="python3,python3-venv,python3-pip,python-is-python3,ca-certificates"
PYTHON_TAG="${IMAGE[python]##*:}"                     # 3.13-slim-trixie
PYTHON_SUITE="${PYTHON_TAG##*-}"                      # trixie
PYTHON_MINOR="${PYTHON_TAG%%-*}"                      # 3.13
[[ "$PYTHON_TAG" =~ ^3\.[0-9]+-slim-[a-z]+$ ]] || die "unexpected Python image tag ${IMAGE[python]} (expected python:3.N-slim-<debian release>)"
SERVICES_INCLUDE="redis-server,postgresql-15,openjdk-17-jre-headless,ca-certificates"
SERVICES_BASE="fastdapr-standin/services:${DEBIAN_SUITE}"
EXTRA_CAS=(/usr/local/share/ca-certificates/*.crt)
[ -e "${EXTRA_CAS[0]}" ] || EXTRA_CAS=()
extra_ca_hash() { if [ ${#EXTRA_CAS[@]} -gt 0 ]; then cat "${EXTRA_CAS[@]}" | sha256sum | cut -c1-16; else echo none; fi; }
base_key() { echo "debootstrap-$1-minbase-$2-ca-$(extra_ca_hash)-r1"; } # <suite> <includes>

# debootstrap <dir> <suite> <includes>: a minbase root file system whose packages cannot start services
debootstrap_rootfs() {
  local dir=$1 suite=$2 include=$3
  rm -rf "$dir"; mkdir -p "$dir"
  nice -n 10 debootstrap --foreign --variant=minbase --include="$include" "$suite" "$dir" "$DEBIAN_MIRROR" > "$dir.log" 2>&1
  printf '#!/bin/sh\nexit 101\n' > "$dir/usr/sbin/policy-rc.d"; chmod 755 "$dir/usr/sbin/policy-rc.d"
  mkdir -p "$dir/etc/postgresql-common"
  echo "create_main_cluster = false" > "$dir/etc/postgresql-common/createcluster.conf"
  nice -n 10 chroot "$dir" /debootstrap/debootstrap --second-stage >> "$dir.log" 2>&1
  # the host's extra certificate authorities (this machine's egress proxy), so pip in `docker build` trusts it
  if [ ${#EXTRA_CAS[@]} -gt 0 ]; then
    cp "${EXTRA_CAS[@]}" "$dir/usr/local/share/ca-certificates/"
    # with /proc (in a private mount namespace): Java's keystore hook needs it
    unshare --mount --propagation private chroot "$dir" sh -c 'mount -t proc proc /proc && update-ca-certificates' >> "$dir.log" 2>&1
  fi
  rm -f "$dir/usr/sbin/policy-rc.d"
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb
}

import_rootfs() { # <dir> <tag> <key> <extra --change...>
  local dir=$1 tag=$2 key=$3; shift 3
  tar -C "$dir" --numeric-owner -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change "LABEL $LABEL=$key" \
    "$@" - "$tag" > /dev/null
}

# started now, in the background: debootstrap mostly waits for the network and the disk, while the
# compose build below keeps the CPUs busy
ROOTFS="$CACHE/docker/rootfs"
mkdir -p "$ROOTFS"
declare -a base_built=()
# the image's name promises a Python version: Debian's python3 must be that one
python_matches_tag() {
  local found
  found="$(chroot "$1" python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" || return 1
  [ "$found" = "$PYTHON_MINOR" ] && return 0
  echo "Debian ${PYTHON_SUITE}'s python3 is ${found}, but the image name ${IMAGE[python]} says ${PYTHON_MINOR}" >> "$1.log"
  return 1
}
if [ "$(image_key "${IMAGE[python]}")" != "$(base_key "$PYTHON_SUITE" "$PYTHON_INCLUDE")" ]; then
  ( t=$(now); debootstrap_rootfs "$ROOTFS/python" "$PYTHON_SUITE" "$PYTHON_INCLUDE" \
    && python_matches_tag "$ROOTFS/python" \
    && import_rootfs "$ROOTFS/python" "${IMAGE[python]}" "$(base_key "$PYTHON_SUITE" "$PYTHON_INCLUDE")" --change 'CMD ["python3"]' \
    && rm -rf "$ROOTFS/python" "$ROOTFS/python.log" && echo "    built ${IMAGE[python]} in $(( $(now) - t ))s" ) &
  base_jobs+=($!); base_built+=("${IMAGE[python]}")
fi
if [ "$(image_key "$SERVICES_BASE")" != "$(base_key "$DEBIAN_SUITE" "$SERVICES_INCLUDE")" ]; then
  ( t=$(now); debootstrap_rootfs "$ROOTFS/services" "$DEBIAN_SUITE" "$SERVICES_INCLUDE" \
    && import_rootfs "$ROOTFS/services" "$SERVICES_BASE" "$(base_key "$DEBIAN_SUITE" "$SERVICES_INCLUDE")" \
    && rm -rf "$ROOTFS/services" "$ROOTFS/services.log" && echo "    built $SERVICES_BASE in $(( $(now) - t ))s" ) &
  base_jobs+=($!); base_built+=("$SERVICES_BASE")
fi
# ---------------------------------------------------------------- 3. compose v2 (while the base images are made)
step "docker compose v${COMPOSE_VERSION}"
COMPOSE_DIR="$CACHE/compose/${COMPOSE_VERSION}"
COMPOSE="$COMPOSE_DIR/docker-compose"
if [ -x "$COMPOSE" ] && "$COMPOSE" version --short 2>/dev/null | grep -qx "v\{0,1\}${COMPOSE_VERSION}"; then
  done_step "cached $COMPOSE"
else
  command -v go >/dev/null || die "go not found"
  mkdir -p "$COMPOSE_DIR"
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-compose.XXXXXX")"
  src="$( cd "$scratch" && go mod init scratch >/dev/null 2>&1 \
      && GOFLAGS=-mod=mod go mod download -json "github.com/docker/compose/v2@v${COMPOSE_VERSION}" \
      | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' )" || die "go mod download github.com/docker/compose/v2@v${COMPOSE_VERSION} failed"
  rm -rf "$scratch"
  [ -d "$src" ] || die "compose module folder not found after download"
  # the module has no replace directives, so it builds in place in the (read-only) module cache
  ( cd "$src" && nice -n 10 go build -trimpath \
      -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=v${COMPOSE_VERSION}" \
      -o "$COMPOSE.tmp" ./cmd ) || die "go build of compose v${COMPOSE_VERSION} failed"
  mv -f "$COMPOSE.tmp" "$COMPOSE"
  done_step "built $COMPOSE"
fi

# ---------------------------------------------------------------- 4. (continued)
step "base images (debootstrap ${PYTHON_SUITE}, ${DEBIAN_SUITE}), waited for"
for job in "${base_jobs[@]}"; do
  wait "$job" || die "debootstrap or import failed (logs: $ROOTFS/*.log)"
done
if [ ${#base_built[@]} -gt 0 ]; then done_step "built ${base_built[*]}"; else done_step "cached"; fi

# ---------------------------------------------------------------- 5. stand-ins for compose's images
# build_standin <name> <tag> <upstream version> <context preparation...>: the context is a temp copy
# of scripts/docker-standins/<name> plus what the preparation adds (binaries, jars)
build_standin() {
  local name=$1 tag=$2 upstream=$3; shift 3
  local ctx; ctx="$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-standin-$name.XXXXXX")"
  cp -r "$STANDINS/$name/." "$ctx/"
  "$@" "$ctx"
  local key="$name-$upstream-$(files_hash "$STANDINS/$name")-on-$(docker image inspect -f '{{.Id}}' "$SERVICES_BASE" | cut -c8-19)"
  if [ "$(image_key "$tag")" = "$key" ]; then rm -rf "$ctx"; echo "    cached $tag"; return 0; fi
  local t; t=$(now)
  # the legacy builder (no buildx plugin here) warns that it is deprecated on every build: kept for failures
  nice -n 10 docker build -q --network host --label "$LABEL=$key" -t "$tag" "$ctx" > "$ctx.log" 2>&1 \
    || { cat "$ctx.log" >&2; rm -rf "$ctx" "$ctx.log"; die "docker build of the $name stand-in failed"; }
  rm -rf "$ctx" "$ctx.log"
  echo "    built $tag ($name $upstream) in $(( $(now) - t ))s"
  STANDINS_BUILT+=("$tag")
}
daprd_context() {
  cp "$DAPRD" "$1/daprd"
  # what the distroless base gives the official image: CA bundle, nonroot user, a writable /tmp
  mkdir -p "$1/rootfs/etc/ssl/certs" "$1/rootfs/tmp"
  chmod 1777 "$1/rootfs/tmp"
  cp /etc/ssl/certs/ca-certificates.crt "$1/rootfs/etc/ssl/certs/"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$1/rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' > "$1/rootfs/etc/group"
}
# kafka-broker-api-versions.sh (the compose health check) runs org.apache.kafka.tools.BrokerApiVersionsCommand,
# which lives in kafka-tools, not among the broker's jars; that one jar alone (its other dependencies
# are the broker's, or Connect's, which the command does not load), from Maven Central
KAFKA_TOOLS_JAR="$CACHE/kafka/${KAFKA_VERSION}/tools/kafka-tools-${KAFKA_VERSION}.jar"
kafka_context() {
  if [ ! -f "$KAFKA_TOOLS_JAR" ]; then
    command -v mvn >/dev/null || die "mvn not found"
    mvn -B -q -Dmaven.repo.local="$CACHE/maven/repo" -Dstyle.color=never \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.apache.kafka:kafka-tools:${KAFKA_VERSION}" -DoutputDirectory="$(dirname "$KAFKA_TOOLS_JAR")" \
      > "$1.mvn.log" 2>&1 || { cat "$1.mvn.log" >&2; die "mvn dependency:copy of kafka-tools ${KAFKA_VERSION} failed"; }
    rm -f "$1.mvn.log"
  fi
  cp -rl "$KAFKA_LIBS" "$1/libs" 2>/dev/null || cp -r "$KAFKA_LIBS" "$1/libs"
  cp "$KAFKA_TOOLS_JAR" "$1/libs/"
  cp "$KAFKA_LOG4J" "$1/log4j2.properties"
}
no_context() { :; }
# the OpenTelemetry Collector of scripts/provision-otel.sh (run here too: idempotent, seconds when warm)
OTELCOL_BIN=""
otelcol_prepare() {
  bash "$REPO/scripts/provision-otel.sh" > "$CACHE/logs/provision-otel-for-docker.log" 2>&1 \
    || { tail -n 20 "$CACHE/logs/provision-otel-for-docker.log" >&2; die "provision-otel.sh failed"; }
  OTELCOL_BIN="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).otelcol' "$CACHE/otelcol.json")"
}
otelcol_context() {
  cp "$OTELCOL_BIN" "$1/otelcol"
  mkdir -p "$1/rootfs/etc" "$1/rootfs/tmp"
  chmod 1777 "$1/rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\notel:x:10001:10001:otel:/:/sbin/nologin\n' > "$1/rootfs/etc/passwd"
}

step "stand-in images (daprd ${DAPR_VERSION}, Redis, PostgreSQL, Kafka ${KAFKA_VERSION}, otelcol)"
declare -a STANDINS_BUILT=()
build_standin daprd "${IMAGE[daprd]}" "$DAPR_VERSION" daprd_context
build_standin redis "${IMAGE[redis]}" "debian-${DEBIAN_SUITE}" no_context
build_standin postgres "${IMAGE[postgres]}" "debian-${DEBIAN_SUITE}" no_context
build_standin kafka "${IMAGE[kafka]}" "$KAFKA_VERSION" kafka_context
mkdir -p "$CACHE/logs" && otelcol_prepare
build_standin otel-collector "${IMAGE[otelCollector]}" "$(basename "$(dirname "$OTELCOL_BIN")")" otelcol_context
if [ ${#STANDINS_BUILT[@]} -gt 0 ]; then done_step "built ${STANDINS_BUILT[*]}"; else done_step "cached"; fi
daprd_tag_version="${IMAGE[daprd]##*:}"
if [ "$daprd_tag_version" != "$DAPR_VERSION" ]; then
  echo "    note: ${IMAGE[daprd]} holds daprd ${DAPR_VERSION} (the version provision.sh builds), not ${daprd_tag_version}"
fi

# ---------------------------------------------------------------- 6. runtime.json
step "docker/runtime.json"
cat > "$CACHE/docker/runtime.json.tmp" <<EOF
{
  "compose": "$COMPOSE",
  "composeVersion": "$COMPOSE_VERSION",
  "daprdInImage": "$DAPR_VERSION",
  "kafkaInImage": "$KAFKA_VERSION"
}
EOF
mv -f "$CACHE/docker/runtime.json.tmp" "$CACHE/docker/runtime.json"
done_step "$CACHE/docker/runtime.json"

echo
echo "provision-docker summary (total $(( $(now) - T0 ))s, cache $CACHE/docker):"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
echo "  dockerd  $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
echo "  compose  $("$COMPOSE" version --short)"
for key in python daprd redis postgres kafka; do
  echo "  $(printf '%-8s' "$key") ${IMAGE[$key]}  $(docker image inspect -f '{{.Size}}' "${IMAGE[$key]}" | awk '{printf "%d MB", $1/1e6}')"
done
