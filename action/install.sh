#!/usr/bin/env bash
# Install step of the drlint GitHub Action: builds drlint from the action's own source (no
# prebuilt binary is downloaded from anywhere) into a cached root and puts it on PATH.
#   mode "key":     prints the cache key and folder as step outputs (key=..., root=...): the
#                   action's ref plus a hash of Cargo.lock, Cargo.toml and the sources, because
#                   `hashFiles()` only hashes files inside GITHUB_WORKSPACE and the action is not there.
#   mode "install": `cargo install --locked --path $GITHUB_ACTION_PATH --root ROOT` when ROOT has
#                   no drlint yet (a cache miss), then adds ROOT/bin to GITHUB_PATH.
# Environment: GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_PATH, RUNNER_TOOL_CACHE (or RUNNER_TEMP),
# RUNNER_OS, RUNNER_ARCH, DRLINT_ACTION_REF (github.action_ref), DRLINT_ROOT (install mode).
set -euo pipefail
src="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set (this script runs inside the drlint action)}"
case "${1:-}" in
key)
    hash="$(cd "$src" && find Cargo.toml Cargo.lock src rules -type f -print0 | LC_ALL=C sort -z |
        xargs -0 sha256sum | sha256sum | cut -c1-16)"
    ref="${DRLINT_ACTION_REF:-local}"
    ref="${ref//[^A-Za-z0-9._-]/_}"
    key="drlint-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-$ref-$hash"
    root="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:?RUNNER_TEMP is not set}}/drlint/$key"
    echo "key=$key" >> "${GITHUB_OUTPUT:?}"
    echo "root=$root" >> "$GITHUB_OUTPUT"
    echo "drlint cache key: $key"
    ;;
install)
    root="${DRLINT_ROOT:?DRLINT_ROOT is not set}"
    if [[ -x "$root/bin/drlint" ]]; then
        echo "drlint from the cache: $root/bin/drlint"
    else
        command -v cargo > /dev/null || {
            echo "::error title=drlint action::cargo is not on PATH; install a Rust toolchain (1.95 or later) before this action, e.g. with dtolnay/rust-toolchain"
            exit 2
        }
        echo "building drlint from $src (first run for this version; later runs use the cache)"
        cargo install --locked --path "$src" --root "$root"
    fi
    "$root/bin/drlint" --version
    echo "$root/bin" >> "${GITHUB_PATH:?}"
    ;;
*)
    echo "usage: action/install.sh key|install" >&2
    exit 2
    ;;
esac
