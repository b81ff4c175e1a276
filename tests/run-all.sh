#!/usr/bin/env bash
# The one test command: every Rust test (unit, integration, snapshot, property, live audit against
# a local fake AWS Config endpoint), then the SARIF validation (tests/sarif-validate.sh, strict),
# then the reference stack's Python tests, which lint its synthesized output with the drlint
# binary that `cargo test` built.
#
# Works from any directory and with any CARGO_TARGET_DIR: the binary is found through
# `cargo metadata`, never at a fixed path. One cargo invocation builds everything once (a separate
# `cargo build` would compile the AWS SDK a second time, because the test build enables
# aws-smithy-mocks features). `--no-fail-fast` runs every test binary even when one fails, and the
# Python tests run even when a Rust test failed; the exit code is non-zero if anything failed.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
failed=()

echo "== cargo test (unit, integration, snapshot, property and doc tests; builds the examples)"
if ! cargo test --locked --no-fail-fast; then
    failed+=("cargo test")
fi

target_dir="$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
bin="$target_dir/debug/drlint"

# SARIF validation: the multitool with GitHub's code-scanning rules, strict (0 errors, 0 warnings).
# --no-build: it reuses the drlint binary, the gen_plan example and the live audits' SARIF reports
# that `cargo test` just built and wrote. (Plain `cargo test` builds the examples as programs at
# target/debug/examples/NAME; `--all-targets` would build them as empty test harnesses instead.
# There are no benches targets, so nothing else differs.)
echo "== SARIF validation (tests/sarif-validate.sh --no-build; npm installs the multitool once)"
if ! bash tests/sarif-validate.sh --no-build; then
    echo "tests/run-all.sh: drlint's SARIF is not what GitHub code scanning accepts (errors or warnings above; rerun: bash tests/sarif-validate.sh)" >&2
    failed+=("SARIF validation")
fi

echo "== reference stack (pytest; creates reference-stack/.venv when missing)"
if [[ ! -x "$bin" ]]; then
    echo "tests/run-all.sh: $bin was not built by cargo test; the reference-stack tests need it" >&2
    failed+=("reference stack (no drlint binary)")
elif ! DRLINT_BIN="$bin" bash reference-stack/scripts/test.sh -q; then
    failed+=("reference stack")
fi

if ((${#failed[@]})); then
    echo "== FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "== all tests passed"
