#!/usr/bin/env bash
# The whole test suite: unit tests, generated-code checks (pytest, ruff, mypy in a cached venv), the
# end-to-end suite against real daprd, Redis, PostgreSQL and Kafka (installed by provision.sh), the
# shipping tests against a private Docker daemon with stand-in base images and compose v2
# (provision-docker.sh; the test files start and stop the daemon themselves), a real Kubernetes
# API server with Dapr's sidecar injector (provision-kube.sh), a real OpenTelemetry Collector
# (provision-otel.sh), and a single-node cluster with Dapr's control plane (provision-cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
# the provision scripts (cached by version; a cold cache builds daprd, compose, Kubernetes, the
# collector and the cluster's node from the Go module proxy, side by side where they do not
# depend on each other)
bash scripts/provision-all.sh
# compile (and type-check) so the tests that run bin/fastdapr.js use the current sources
npm run build

# one runner invocation, so the closing summary counts every test; files run one at a time
# because the end-to-end cases start real servers and the machine has two cores
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  test/unit/*.test.ts test/generated/*.test.ts test/e2e/*.test.ts
