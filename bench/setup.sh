#!/usr/bin/env bash
# Installs what the benchmarks compare against, pinned, into a cache outside the repo
# ($FASTDAPR_CACHE/bench, default ~/.cache/fastdapr/bench), and the two system tools they use:
# GNU time (peak memory of a whole process) and wrk (load straight to the sidecar's HTTP API).
# Idempotent: a finished install leaves a marker and is reused. Progress goes to stderr.
#   bash bench/setup.sh
set -euo pipefail

cache="${FASTDAPR_CACHE:-$HOME/.cache/fastdapr}/bench"
python="${PYTHON:-python3}"

# the generators fastdapr is compared with; a version change installs afresh
COOKIECUTTER_VERSION=2.7.1
COPIER_VERSION=9.19.1
PLOP_VERSION=4.0.5
HYGEN_VERSION=6.2.11

mkdir -p "$cache"

missing=()
[[ -x /usr/bin/time ]] || missing+=(time)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bench/setup: install ${missing[*]} (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "bench/setup: apt-get install ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

py="$cache/py-cookiecutter$COOKIECUTTER_VERSION-copier$COPIER_VERSION"
if [[ ! -f "$py/.complete" ]]; then
  echo "bench/setup: cookiecutter $COOKIECUTTER_VERSION and copier $COPIER_VERSION into $py" >&2
  rm -rf "$py"
  "$python" -m venv "$py" >&2
  "$py/bin/python" -m pip install --quiet --disable-pip-version-check \
    "cookiecutter==$COOKIECUTTER_VERSION" "copier==$COPIER_VERSION" >&2
  touch "$py/.complete"
fi

node="$cache/node-plop$PLOP_VERSION-hygen$HYGEN_VERSION"
if [[ ! -f "$node/.complete" ]]; then
  echo "bench/setup: plop $PLOP_VERSION and hygen $HYGEN_VERSION into $node" >&2
  rm -rf "$node"
  mkdir -p "$node"
  printf '{"name":"fastdapr-bench-tools","private":true}\n' >"$node/package.json"
  npm install --prefix "$node" --no-audit --no-fund --silent --save-exact \
    "plop@$PLOP_VERSION" "hygen@$HYGEN_VERSION" >&2
  touch "$node/.complete"
fi

# what the benchmark scripts read: where each tool is, and its version
cat >"$cache/tools.json" <<JSON
{
  "cookiecutter": { "bin": "$py/bin/cookiecutter", "version": "$COOKIECUTTER_VERSION" },
  "copier": { "bin": "$py/bin/copier", "version": "$COPIER_VERSION" },
  "plop": { "bin": "$node/node_modules/.bin/plop", "version": "$PLOP_VERSION" },
  "hygen": { "bin": "$node/node_modules/.bin/hygen", "version": "$HYGEN_VERSION" },
  "wrk": { "bin": "$(command -v wrk)", "version": "$(wrk -v 2>&1 | head -1 | awk '{print $2}' | sed 's|^debian/||')" }
}
JSON
echo "$cache/tools.json"
