#!/usr/bin/env bash
# Provision the OpenTelemetry Collector the observability e2e test (test/e2e/otel-*.test.ts) runs
# beside daprd: a minimal distribution with the core OTLP receiver and one exporter that appends
# OTLP/JSON lines to a file (plus the core batch processor and debug exporter, so that the same binary
# runs the configuration fastdapr generates for compose, as the stand-in of the collector image in
# scripts/provision-docker.sh), built from the Go module proxy with the collector's own builder
# (go.opentelemetry.io/collector/cmd/builder). The exporter is scripts/otelcol/jsonlinesexporter:
# the core collector has no exporter that writes parseable records to a file, and the contrib file
# exporter needs extension/encoding/otlpencodingextension, which the module proxy refuses (403 for
# every version tried, 0.160.0 to 0.165.1).
#
#   bash scripts/provision-otel.sh     # idempotent; a warm run takes a second
#
# Cached under $FASTDAPR_CACHE/otelcol/<version>/otelcol-fastdapr; writes
# $FASTDAPR_CACHE/otelcol.json ({"otelcol": path, "version": v}), read by test/e2e/harness/otel.ts.
#
# Environment:
#   FASTDAPR_CACHE           cache root (default $HOME/.cache/fastdapr)
#   FASTDAPR_OTELCOL_VERSION collector version (default below; the builder, the receiver and the
#                            contrib file exporter are released together under one number)
set -euo pipefail

PROVISION_NAME=provision-otel STEP_WIDTH=28
source "$(dirname "${BASH_SOURCE[0]}")/lib/provision-common.sh"
# the checksum database is not reachable from here (see provision-kube.sh)
export GOSUMDB=off
OTELCOL_VERSION="${FASTDAPR_OTELCOL_VERSION:-0.165.0}"
OTELCOL_VERSION="${OTELCOL_VERSION#v}"
# keyed by the exporter's source and the component list too, so a change to either builds a new binary
COMPONENTS="otlpreceiver batchprocessor debugexporter"
EXPORTER_HASH="$( (cat "$(dirname "${BASH_SOURCE[0]}")"/otelcol/jsonlinesexporter/*; echo "$COMPONENTS") | sha256sum | cut -c1-12)"
OTELCOL_DIR="$CACHE/otelcol/$OTELCOL_VERSION-$EXPORTER_HASH"
OTELCOL="$OTELCOL_DIR/otelcol-fastdapr"

step "otelcol ${OTELCOL_VERSION} (otlp, batch, debug, jsonlines)"
# provision-all.sh runs this beside provision-docker.sh, which runs it too: one build, the other waits
mkdir -p "$CACHE" && exec 8>"$CACHE/.otelcol.lock" && flock 8
command -v go >/dev/null || die "go not found"
if [ -x "$OTELCOL" ] && "$OTELCOL" --version >/dev/null 2>&1; then
  done_step "cached $OTELCOL"
else
  BUILD="$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-otelcol-build.XXXXXX")"
  trap 'rm -rf "$BUILD"' EXIT
  build_t0=$(now)
  EXPORTER_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/otelcol/jsonlinesexporter" && pwd)"
  GOBIN="$BUILD/bin" nice -n 10 go install "go.opentelemetry.io/collector/cmd/builder@v${OTELCOL_VERSION}" \
    || die "go install of the collector builder v${OTELCOL_VERSION} failed"
  cat > "$BUILD/builder.yaml" <<EOF
dist:
  name: otelcol-fastdapr
  description: OpenTelemetry Collector for fastdapr's observability tests (OTLP in, JSON files out)
  version: ${OTELCOL_VERSION}
  output_path: ${BUILD}/dist
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v${OTELCOL_VERSION}
processors:
  - gomod: go.opentelemetry.io/collector/processor/batchprocessor v${OTELCOL_VERSION}
exporters:
  - gomod: fastdapr.local/otelcol/jsonlinesexporter v0.0.0
    path: ${EXPORTER_SRC}
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter v${OTELCOL_VERSION}
EOF
  ( cd "$BUILD" && nice -n 10 "$BUILD/bin/builder" --config "$BUILD/builder.yaml" ) \
    || die "the collector builder failed (a module not served by the proxy?)"
  mkdir -p "$OTELCOL_DIR"
  mv -f "$BUILD/dist/otelcol-fastdapr" "$OTELCOL.tmp"
  mv -f "$OTELCOL.tmp" "$OTELCOL"
  "$OTELCOL" --version >/dev/null || die "the built collector does not start"
  done_step "built in $(( $(now) - build_t0 ))s: $OTELCOL"
fi

step "otelcol.json"
cat > "$CACHE/otelcol.json.tmp" <<EOF
{
  "otelcol": "$OTELCOL",
  "version": "$OTELCOL_VERSION"
}
EOF
mv -f "$CACHE/otelcol.json.tmp" "$CACHE/otelcol.json"
done_step "$CACHE/otelcol.json"

echo
echo "provision-otel summary (total $(( $(now) - T0 ))s, cache $CACHE):"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
echo "  otelcol $("$OTELCOL" --version) $OTELCOL"
