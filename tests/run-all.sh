#!/usr/bin/env bash
# The one test command: every Rust test (unit, integration, snapshot, property, live-audit against
# a local mock AWS Config endpoint), then the reference stack's Python tests, which lint its
# synthesized output with the drlint binary that `cargo test` built. One cargo invocation builds
# everything once (a separate `cargo build` would compile the AWS SDK a second time, because the
# test build enables aws-smithy-mocks features).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
echo "== cargo test (builds target/debug/drlint too)"
cargo test --locked --all-targets
echo "== reference stack (pytest; creates reference-stack/.venv when missing)"
DRLINT_BIN="$PWD/target/debug/drlint" bash reference-stack/scripts/test.sh -q
