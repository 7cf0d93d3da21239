#!/usr/bin/env bash
# Provision the real Dapr runtime used by the e2e tests (test/e2e/).
#
#   bash scripts/provision.sh          # idempotent; a warm run takes seconds
#
# What it does (each step prints its elapsed time, a summary comes last):
#   1. apt: installs redis-server / postgresql / java / maven / openssl only when they are missing
#      (no `apt-get update` when nothing is missing). Package maintainer scripts
#      are kept from starting system daemons: the tests start their own servers
#      on 127.0.0.1 and free ports.
#   2. daprd and sentry: built from the Go module proxy (github.com/dapr/dapr@vX) with
#      CGO_ENABLED=0, daprd with the tags below, cached under
#      $FASTDAPR_CACHE/daprd/<version>-<tags>/daprd and $FASTDAPR_CACHE/sentry/<version>/sentry
#      (Sentry is the certificate authority behind the mTLS access-control e2e test)
#   3. Kafka: broker jars from Maven Central via a generated pom and
#      `mvn dependency:copy-dependencies`, cached under $FASTDAPR_CACHE/kafka/<version>/libs
#   4. schemas for the validation tests, for a clone that has no shared/ beside it: the Dapr CRDs
#      of the daprd module above and the Compose Specification schema of compose-go, both from
#      the Go module proxy, under $FASTDAPR_CACHE/schemas
#   5. writes $FASTDAPR_CACHE/runtime.json, read by test/e2e/harness.
#
# Environment:
#   FASTDAPR_CACHE          cache root (default $HOME/.cache/fastdapr)
#   FASTDAPR_DAPR_VERSION   daprd version (default: "dapr" in runtime-versions.json, the version the
#                           generated images name; docs/real-runtime.md says why not 1.18.3)
#   FASTDAPR_DAPR_TAGS      build tags (default stablecomponents,conversation_echo)
#   FASTDAPR_KAFKA_VERSION  Kafka broker version (default: "kafka" in runtime-versions.json)
#
# Go's module and build caches are kept under the same root
# ($FASTDAPR_CACHE/go/{mod,build}) so one directory holds everything and
# deleting it reproduces a cold run exactly.
set -euo pipefail

PROVISION_NAME=provision STEP_WIDTH=28
source "$(dirname "${BASH_SOURCE[0]}")/lib/provision-common.sh"
DAPR_VERSION="${FASTDAPR_DAPR_VERSION:-$(pinned dapr)}"
DAPR_VERSION="${DAPR_VERSION#v}"
DAPR_TAGS="${FASTDAPR_DAPR_TAGS:-stablecomponents,conversation_echo}"
KAFKA_VERSION="${FASTDAPR_KAFKA_VERSION:-$(pinned kafka)}"
COMPOSE_GO_VERSION="2.10.2"          # newest compose-go whose compose-spec.json is draft-07, like shared/'s
LOG4J_VERSION="2.25.5"               # log4j-slf4j-impl binding, matches kafka 4.4.0's log4j-core
DEP_PLUGIN_VERSION="3.8.1"           # maven-dependency-plugin


pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  return 1
}

# ---------------------------------------------------------------- 1. apt
step "apt packages"
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
pg_bindir >/dev/null || missing+=(postgresql)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)   # the e2e harness makes Sentry's trust bundle with it
if [ ${#missing[@]} -gt 0 ]; then
  echo "    installing: ${missing[*]}"
  # no default 'main' PostgreSQL cluster from the package's maintainer script: tests run their own
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    as_root mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  apt_install "${missing[@]}"
  done_step "installed ${missing[*]}"
else
  done_step "nothing missing"
fi
command -v redis-server >/dev/null || die "redis-server still missing"
PG_BIN="$(pg_bindir)" || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin"
REDIS_SERVER="$(command -v redis-server)"
id postgres >/dev/null 2>&1 || die "user 'postgres' missing (the postgresql package creates it)"

# ---------------------------------------------------------------- 2. daprd + sentry
# Both binaries come from one copy of the same dapr module, so Sentry's version always
# matches daprd's; Sentry (the mTLS certificate authority, test/e2e/access-control.test.ts)
# reuses almost every package daprd already compiled into $GOCACHE, so it adds little.
step "daprd + sentry ${DAPR_VERSION} (${DAPR_TAGS})"
command -v go >/dev/null || die "go not found (need Go >= the version in dapr's go.mod)"
DAPRD_DIR="$CACHE/daprd/${DAPR_VERSION}-${DAPR_TAGS}"
DAPRD="$DAPRD_DIR/daprd"
SENTRY_DIR="$CACHE/sentry/${DAPR_VERSION}"
SENTRY="$SENTRY_DIR/sentry"
built=()
if [ -x "$DAPRD" ] && [ "$("$DAPRD" --version 2>/dev/null)" = "$DAPR_VERSION" ]; then
  :
else
  mkdir -p "$DAPRD_DIR"
  dapr_go_build "$DAPRD.tmp" "$DAPR_TAGS" daprd && mv -f "$DAPRD.tmp" "$DAPRD"
  [ "$("$DAPRD" --version)" = "$DAPR_VERSION" ] || die "built daprd reports '$("$DAPRD" --version)'"
  built+=(daprd)
fi
# sentry has no --version flag: its folder is keyed by version and the binary is moved in whole
if [ ! -x "$SENTRY" ]; then
  mkdir -p "$SENTRY_DIR"
  dapr_go_build "$SENTRY.tmp" "" sentry && mv -f "$SENTRY.tmp" "$SENTRY"
  built+=(sentry)
fi
dapr_build_cleanup
if [ ${#built[@]} -gt 0 ]; then
  done_step "built ${built[*]}: $DAPRD $SENTRY"
else
  done_step "cached $DAPRD $SENTRY"
fi

# ---------------------------------------------------------------- 3. kafka
step "kafka ${KAFKA_VERSION} jars"
KAFKA_DIR="$CACHE/kafka/${KAFKA_VERSION}"
KAFKA_LIBS="$KAFKA_DIR/libs"
if [ -f "$KAFKA_DIR/.complete" ] && ls "$KAFKA_LIBS"/kafka_2.13-"${KAFKA_VERSION}".jar >/dev/null 2>&1; then
  done_step "cached $KAFKA_LIBS"
else
  command -v java >/dev/null || die "java not found"
  command -v mvn >/dev/null || die "mvn not found"
  POM_TMP="$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-kafka-pom.XXXXXX")"
  cat > "$POM_TMP/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.fastdapr</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-storage</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${LOG4J_VERSION}</version></dependency>
  </dependencies>
  <build><plugins><plugin>
    <groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>${DEP_PLUGIN_VERSION}</version>
  </plugin></plugins></build>
</project>
EOF
  rm -rf "$KAFKA_LIBS.tmp"
  ( cd "$POM_TMP" && mvn -B -q -Dmaven.repo.local="$CACHE/maven/repo" \
      -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp" \
      > "$POM_TMP/mvn.log" 2>&1 || { cat "$POM_TMP/mvn.log" >&2; false; } ) \
    || die "mvn dependency:copy-dependencies for kafka ${KAFKA_VERSION} failed"
  rm -rf "$KAFKA_LIBS"; mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
  cat > "$KAFKA_DIR/log4j2.properties" <<'EOF'
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = info
logger.apache.name = org.apache.kafka
logger.apache.level = warn
EOF
  touch "$KAFKA_DIR/.complete"
  rm -rf "$POM_TMP"
  done_step "$(ls "$KAFKA_LIBS" | wc -l) jars in $KAFKA_LIBS"
fi

# ---------------------------------------------------------------- 4. schemas
step "schemas (Dapr CRDs ${DAPR_VERSION}, compose-go ${COMPOSE_GO_VERSION})"
SCHEMAS="$CACHE/schemas"
CRDS="$SCHEMAS/dapr-crds-v${DAPR_VERSION}"
if [ -f "$SCHEMAS/compose-spec.json" ] && [ -f "$CRDS/components.yaml" ]; then
  done_step "cached $SCHEMAS"
else
  mod_dir() { # download a module from the proxy (a no-op when cached) and print its folder
    ( cd "$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-mod.XXXXXX")" && go mod init scratch >/dev/null 2>&1 \
        && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' )
  }
  DAPR_MOD="$(mod_dir "github.com/dapr/dapr@v${DAPR_VERSION}")" || die "download of github.com/dapr/dapr@v${DAPR_VERSION} failed"
  COMPOSE_MOD="$(mod_dir "github.com/compose-spec/compose-go/v2@v${COMPOSE_GO_VERSION}")" || die "download of compose-go failed"
  mkdir -p "$CRDS.tmp"
  for crd in components configuration resiliency subscription httpendpoints; do
    cp "$DAPR_MOD/charts/dapr/crds/$crd.yaml" "$CRDS.tmp/"
  done
  rm -rf "$CRDS" && mv "$CRDS.tmp" "$CRDS"
  cp "$COMPOSE_MOD/schema/compose-spec.json" "$SCHEMAS/compose-spec.json.tmp"
  mv -f "$SCHEMAS/compose-spec.json.tmp" "$SCHEMAS/compose-spec.json"
  done_step "$SCHEMAS"
fi

# ---------------------------------------------------------------- 5. runtime.json
step "runtime.json"
JAVA_BIN="$(command -v java)"
cat > "$CACHE/runtime.json.tmp" <<EOF
{
  "daprd": "$DAPRD",
  "daprdVersion": "$DAPR_VERSION",
  "daprdTags": "$DAPR_TAGS",
  "sentry": "$SENTRY",
  "kafkaVersion": "$KAFKA_VERSION",
  "kafkaLibs": "$KAFKA_LIBS",
  "kafkaLog4j": "$KAFKA_DIR/log4j2.properties",
  "java": "$JAVA_BIN",
  "redisServer": "$REDIS_SERVER",
  "pgBin": "$PG_BIN"
}
EOF
mv -f "$CACHE/runtime.json.tmp" "$CACHE/runtime.json"
done_step "$CACHE/runtime.json"

echo
echo "provision summary (total $(( $(now) - T0 ))s, cache $CACHE):"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
echo "  daprd   $("$DAPRD" --version) [$DAPR_TAGS] $DAPRD"
echo "  sentry  $DAPR_VERSION $SENTRY"
echo "  kafka   $KAFKA_VERSION $KAFKA_LIBS"
echo "  redis   $("$REDIS_SERVER" --version | awk '{print $3}') $REDIS_SERVER"
echo "  pg      $("$PG_BIN/postgres" --version) $PG_BIN"
echo "  java    $("$JAVA_BIN" -version 2>&1 | head -1)"
