#!/usr/bin/env bash
# The reference-stack tests: unit tests of every construct and Lambda handler, fixture staleness,
# and drlint end to end (needs the drlint binary: $DRLINT_BIN, else <repo>/target/debug/drlint).
# Extra arguments go to pytest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
cd "$here"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="$(node -p 'process.versions.node.split(".")[0]')"
export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest tests \
  --cov=dr_stack --cov=main --cov=lambda --cov=drlint_cdktf --cov-branch --cov-report=term-missing "$@"
