#!/usr/bin/env bash
# The whole test suite: unit tests, generated-code checks (pytest, ruff, mypy in a cached venv) and
# the end-to-end suite against real daprd, Redis, PostgreSQL and Kafka (installed by provision.sh),
# and the shipping tests against a private Docker daemon with stand-in base images and compose v2
# (provision-docker.sh; the test files start and stop the daemon themselves).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
bash scripts/provision.sh
bash scripts/provision-docker.sh
# compile (and type-check) so the tests that run bin/fastdapr.js use the current sources
npm run build

# one runner invocation, so the closing summary counts every test; files run one at a time
# because the end-to-end cases start real servers and the machine has two cores
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  test/unit/*.test.ts test/generated/*.test.ts test/e2e/*.test.ts
