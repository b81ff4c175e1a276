#!/usr/bin/env bash
# The one test command: every Rust test (unit, integration, snapshot, property), then the
# reference stack's Python tests, which lint its synthesized output with the drlint binary built
# here. One cargo target directory is reused throughout, so nothing is built twice.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
echo "== cargo build (the drlint binary the reference-stack tests run)"
cargo build --locked
echo "== cargo test"
cargo test --locked --all-targets
echo "== reference stack (pytest; creates reference-stack/.venv when missing)"
DRLINT_BIN="$PWD/target/debug/drlint" bash reference-stack/scripts/test.sh -q
