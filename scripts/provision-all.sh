#!/usr/bin/env bash
# Everything the test suite needs, provisioned with the machine's cores kept busy on a cold cache:
# provision-kube.sh (the longest Go build) runs beside provision.sh, and provision-docker.sh, which
# puts provision.sh's daprd and Kafka jars into stand-in images, follows provision.sh.
# provision-otel.sh (the OpenTelemetry Collector, a few minutes cold) runs beside them, and
# provision-cluster.sh (the test cluster's node) follows all of them. On a warm cache they take
# seconds. Each script's output goes to $FASTDAPR_CACHE/logs/<script>.log; their summaries are
# printed at the end, and the log tail of any script that failed.
#
#   bash scripts/provision-all.sh      # idempotent; exit status non-zero if any script failed
set -uo pipefail
cd "$(dirname "$0")/.."

CACHE="${FASTDAPR_CACHE:-$HOME/.cache/fastdapr}"
LOGS="$CACHE/logs"
mkdir -p "$LOGS"
rm -f "$LOGS"/provision*.log
t0=$(date +%s)

run() { # <script>: runs it with its output in its log, echoing when it ends
  local log="$LOGS/$1.log" start=$(date +%s) rc=0
  bash "scripts/$1.sh" >"$log" 2>&1 || rc=$?
  echo "==> $1.sh ended with status $rc after $(( $(date +%s) - start ))s (log: $log)"
  return "$rc"
}

echo "==> provisioning (provision.sh then provision-docker.sh, beside provision-kube.sh; then provision-cluster.sh); logs in $LOGS"
( run provision && run provision-docker ) & runtime_job=$!
run provision-kube & kube_job=$!
run provision-otel & otel_job=$!   # the OpenTelemetry Collector of test/e2e/otel-*.test.ts
# a stopped test run (Ctrl-C, CI timeout) leaves no build behind
trap 'kill "$runtime_job" "$kube_job" "$otel_job" 2>/dev/null; exit 130' INT TERM

failed=()
wait "$runtime_job" || failed+=(runtime)
wait "$kube_job" || failed+=(provision-kube)
wait "$otel_job" || failed+=(provision-otel)
# the test cluster's node (kubelet, CoreDNS, kube-router, helm, Dapr's control-plane images) builds on all of them
if [ ${#failed[@]} -eq 0 ]; then run provision-cluster || failed+=(provision-cluster); fi

for script in provision provision-docker provision-kube provision-otel provision-cluster; do
  log="$LOGS/$script.log"
  [ -f "$log" ] || continue
  # each script ends with its summary: the lines from "... summary" on
  sed -n '/summary (total/,$p' "$log"
done
for name in "${failed[@]}"; do
  if [ "$name" = runtime ]; then
    # provision-docker.sh runs (and has a log) only once provision.sh succeeded
    if [ -f "$LOGS/provision-docker.log" ]; then name=provision-docker; else name=provision; fi
  fi
  echo "provision-all: $name failed; the end of $LOGS/${name}.log:" >&2
  tail -n 40 "$LOGS/${name}.log" >&2 2>/dev/null || true
done
echo "==> provisioning took $(( $(date +%s) - t0 ))s"
[ ${#failed[@]} -eq 0 ]
