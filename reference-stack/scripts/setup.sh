#!/usr/bin/env bash
# Create reference-stack/.venv and install the pinned requirements, only when missing or stale.
# Idempotent: a second run with unchanged requirements files does nothing but check.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements.sha256"

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
  done
fi
if [ -z "$python_bin" ] || ! "$python_bin" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "reference-stack: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1; then
  echo "reference-stack: node is required: cdktf synthesizes through the jsii runtime" >&2
  exit 1
fi

want="$(cat "$here/requirements.txt" "$here/requirements-dev.txt" | sha256sum | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "reference-stack: creating $venv"
  "$python_bin" -m venv "$venv"
fi
echo "reference-stack: installing pinned requirements (the AWS provider bindings take a few minutes)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements-dev.txt"
echo "$want" > "$stamp"
