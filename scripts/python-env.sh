#!/usr/bin/env bash
# Creates (or reuses) the virtualenv the generated-code tests run in: exactly the pinned runtime,
# agent and dev dependencies of src/versions.ts. It lives outside the repo, keyed by a hash of the
# Python version and the requirement list, so a pin change builds a fresh venv and an unchanged one
# is reused. Prints only the venv path on stdout; progress goes to stderr.
#   VENV=$(bash scripts/python-env.sh)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${FASTDAPR_CACHE:-$HOME/.cache/fastdapr}"
python="${PYTHON:-python3}"

requirements="$(cd "$root" && npx --no-install tsx scripts/python-requirements.ts)"
pyversion="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
hash="$(printf '%s\n%s\n' "$pyversion" "$requirements" | sha256sum | cut -c1-16)"
venv="$cache/venv-$hash"

mkdir -p "$cache"
# one builder at a time: parallel test runs wait here instead of installing into the same folder
exec 9>"$venv.lock"
flock 9

# the marker is written last, so an interrupted install is detected and redone from scratch
if [[ ! -f "$venv/.complete" ]]; then
  echo "python-env: building $venv (python $pyversion)" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  pip=("$venv/bin/python" -m pip --disable-pip-version-check)
  "${pip[@]}" install --quiet --upgrade pip >&2
  printf '%s\n' "$requirements" >"$venv/requirements.txt"
  "${pip[@]}" install --quiet -r "$venv/requirements.txt" >&2
  touch "$venv/.complete"
  echo "python-env: ready" >&2
fi

echo "$venv"
