#!/usr/bin/env bash
# Regenerate fixtures/reference/: both variants and every mutant, synthesized with the fixed
# suffix "ref" (deterministic; tests/test_fixtures.py fails when the committed copy is stale).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$here/../fixtures/reference"
"$here/scripts/setup.sh"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="$(node -p 'process.versions.node.split(".")[0]')"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$here" && .venv/bin/python -m dr_stack.synth "$tmp")
mkdir -p "$dest"
rm -rf "$dest/payments" "$dest/transactions" "$dest/mutants"
cp -R "$tmp/." "$dest/"
echo "wrote $(find "$dest" -name cdk.tf.json | wc -l) configurations under $dest"
