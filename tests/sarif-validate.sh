#!/usr/bin/env bash
# Validates drlint's SARIF output with Microsoft's SARIF Multitool and GitHub's code-scanning
# rules (GH1001-GH1007, switched on in tests/sarif-validate.config.xml) plus the SARIF rules, at
# every level (errors, warnings, notes). The multitool exits 0 even when it reports problems, so
# its log is read (tests/sarif-validate.py) and the errors, warnings and notes are counted per
# file and per rule.
#
#   bash tests/sarif-validate.sh                # strict: exit 1 on any error or warning
#   bash tests/sarif-validate.sh --report-only  # print the counts, exit 0
#   bash tests/sarif-validate.sh --no-build     # use the drlint binary that is already built
#
# Exit codes: 0 clean (or --report-only), 1 errors or warnings (strict), 2 the validation itself
# could not run (install failed, drlint could not lint an input, the canary was not flagged).
#
# SARIF files validated (written to <target dir>/sarif-validate/sarif/, drlint run from the
# repository root as a workflow would from $GITHUB_WORKSPACE):
#   - every rule fixture fixtures/rules/*/*.tf.json, with the configuration tests/rule_fixtures.rs
#     uses (drlint-<variant>.toml, drlint.toml, else --env-suffix test --profile production);
#   - seed 002 (--env-suffix dev --profile ephemeral): by relative path, by absolute path, from
#     standard input named by --stdin-filename, and from its own folder (as a workflow with a
#     working-directory would);
#   - the reference stack and its mutants (fixtures/reference/**/cdk.tf.json,
#     --config reference-stack/drlint.toml);
#   - a generated plan of 3,000 resources (benches/gen_plan.rs; $DRLINT_SARIF_PLAN_RESOURCES to
#     change), linted as plan.json in a scratch workspace. 3,000 resources give about 810
#     results (about half of them DR805: the generator's units have their function, queue, topic
#     and log group in the primary region only). GH1004 flags a run with more than 1,000
#     results: that is the multitool's built-in display default (hard-coded in GH1004, not
#     configurable), not GitHub's upload limit of
#     25,000 results per run, which drlint enforces itself (tests/sarif_github.rs tests the cap);
#     so the generated plan stays under 1,000 results and GH1004 keeps checking everything else;
#   - three `drlint live` audits against the local fake AWS Config endpoint of tests/live.rs
#     (regions, one failing; an aggregator; a Terraform state for .tf locations), each with one
#     run per audited account and region: the script runs `cargo test --test live`, whose tests
#     write their SARIF reports into their scratch folders under the target directory
#     (live_snapshot/, live_aggregator/, live_state/), and copies them; stale copies are removed
#     first, and a missing one is an error;
#   - every mapped Terraform project fixtures/terraform/*/plan.json, when present;
#   - the real third-party samples fixtures/samples/*/*.json that drlint accepts.
# On top of the multitool, tests/sarif-validate.py checks what it does not: SARIF 3.27.10 (a
# result whose kind is not "fail" has level "none") and that relative result URIs name files in
# the checkout (script/SARIF-3.27.10, script/URI-IN-CHECKOUT).
# A canary (a drlint SARIF file broken on purpose) proves that all these rules are really applied.
#
# The multitool comes from npm at a pinned version and is cached outside the working tree:
# $DRLINT_SARIF_MULTITOOL_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/drlint/sarif-multitool-5.7.0.
# The drlint binary is the one cargo builds, found through `cargo metadata` (any CARGO_TARGET_DIR).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

MULTITOOL_VERSION=5.7.0
mode=strict
build=1
for arg in "$@"; do
    case "$arg" in
    --report-only) mode=report-only ;;
    --strict) mode=strict ;;
    --no-build) build=0 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "tests/sarif-validate.sh: unknown argument '$arg' (expected --report-only, --strict, --no-build)" >&2
        exit 2
        ;;
    esac
done

die() {
    echo "tests/sarif-validate.sh: $*" >&2
    exit 2
}
for tool in cargo python3 npm; do
    command -v "$tool" > /dev/null || die "$tool is not on PATH; it is needed to build drlint, read the results and install the multitool"
done
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# --- the multitool (pinned, cached, idempotent) ----------------------------------------------
case "$(uname -s)" in
Linux) platform=linux ;;
Darwin) platform=darwin ;;
*) die "the SARIF Multitool npm package has no binary for $(uname -s) here (linux and darwin are supported)" ;;
esac
cache="${DRLINT_SARIF_MULTITOOL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/drlint/sarif-multitool-$MULTITOOL_VERSION}"
multitool="$cache/node_modules/@microsoft/sarif-multitool-$platform/Sarif.Multitool"
if [[ ! -f "$cache/.installed" || ! -x "$multitool" ]]; then
    echo "== installing @microsoft/sarif-multitool@$MULTITOOL_VERSION into $cache"
    mkdir -p "$(dirname "$cache")"
    staging="$(mktemp -d "$(dirname "$cache")/.sarif-multitool.XXXXXX")"
    # The platform package is named and pinned too: the main package asks for it as ^5.7.0.
    if ! npm install --prefix "$staging" --no-audit --no-fund --save-exact --loglevel=error \
        "@microsoft/sarif-multitool@$MULTITOOL_VERSION" \
        "@microsoft/sarif-multitool-$platform@$MULTITOOL_VERSION" > "$staging/npm.log" 2>&1; then
        cat "$staging/npm.log" >&2
        rm -rf "$staging"
        die "npm could not install @microsoft/sarif-multitool@$MULTITOOL_VERSION (see above)"
    fi
    # npm may skip the package's postinstall (`chmod u+x Sarif.Multitool`); do it here.
    chmod u+x "$staging/node_modules/@microsoft/sarif-multitool-$platform/Sarif.Multitool"
    touch "$staging/.installed"
    rm -rf "$cache"
    mv "$staging" "$cache"
fi
"$multitool" --version 2>/dev/null | grep -q "^$MULTITOOL_VERSION" ||
    "$multitool" --version 2>&1 | grep -q "$MULTITOOL_VERSION" ||
    die "$multitool is not version $MULTITOOL_VERSION; remove $cache to reinstall"

# --- drlint, the generator, the live-audit SARIF ----------------------------------------------
target_dir="$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
work="$target_dir/sarif-validate"
rm -rf "$work"
mkdir -p "$work/sarif" "$work/gen-workspace"
live_tmp="$target_dir/tmp"
live_files=(live_snapshot/drlint.sarif live_aggregator/drlint.sarif live_state/drlint.sarif)
if ((build)); then
    for f in "${live_files[@]}"; do rm -f "$live_tmp/$f"; done
    echo "== cargo test --test live (builds drlint; its live audits write SARIF reports)"
    cargo test --locked --test live --quiet > "$work/live-test.log" 2>&1 ||
        { cat "$work/live-test.log" >&2; die "cargo test --test live failed (see above)"; }
    echo "== cargo build --example gen_plan"
    cargo build --locked --example gen_plan --quiet
fi
bin="$target_dir/debug/drlint"
gen="$target_dir/debug/examples/gen_plan"
[[ -x "$bin" ]] || die "$bin is not built (run without --no-build, or cargo test)"
[[ -x "$gen" ]] || die "$gen is not built (run without --no-build, or cargo build --example gen_plan)"

names="$work/names.tsv"
: > "$names"
# lint NAME [--cwd DIR] [--root DIR] [--stdin FILE] [--skip-rejected] ARGS...
# Writes $work/sarif/NAME.sarif from drlint run in --cwd (default: the repository root). --root
# (default: the --cwd) is the checkout root code scanning resolves result URIs against: relative
# URIs must name files under it. --skip-rejected: an input drlint rejects (exit 2) is skipped.
skipped=0
lint() {
    local name="$1" cwd="$repo" root="" stdin=/dev/null optional=0
    shift
    while [[ "${1:-}" =~ ^--(cwd|root|stdin|skip-rejected)$ ]]; do
        case "$1" in
        --cwd) cwd="$2" && shift ;;
        --root) root="$2" && shift ;;
        --stdin) stdin="$2" && shift ;;
        --skip-rejected) optional=1 ;;
        esac
        shift
    done
    local out="$work/sarif/${name//\//__}.sarif" rc=0
    (cd "$cwd" && DRLINT_TODAY="${DRLINT_TODAY:-2026-11-22}" "$bin" "$@" --format sarif --output "$out" \
        --fail-on never --color never < "$stdin") 2> "$work/drlint.err" || rc=$?
    if ((rc == 2 && optional)); then
        skipped=$((skipped + 1))
        rm -f "$out"
        return
    fi
    if ((rc != 0)) || [[ ! -s "$out" ]]; then
        cat "$work/drlint.err" >&2
        die "drlint exited $rc on $name (drlint $*, in $cwd)"
    fi
    printf '%s\t%s\t%s\n' "$name" "$out" "${root:-$cwd}" >> "$names"
}

# The configuration a rule fixture is linted with (as config_args in tests/rule_fixtures.rs).
fixture_config() {
    local file="$1" dir stem variant
    dir="$(dirname "$file")"
    stem="$(basename "$file" .tf.json)"
    if [[ "$stem" == *-* ]]; then
        variant="${stem#*-}"
        if [[ -f "$dir/drlint-$variant.toml" ]]; then
            echo "--config $dir/drlint-$variant.toml"
            return
        fi
    fi
    if [[ -f "$dir/drlint.toml" ]]; then
        echo "--config $dir/drlint.toml"
    else
        echo "--env-suffix test --profile production"
    fi
}

echo "== linting the inputs with $bin"
shopt -s nullglob
for f in fixtures/rules/*/*.tf.json; do
    # shellcheck disable=SC2046 # the configuration is words without spaces
    lint "${f#fixtures/}" "$f" $(fixture_config "$f")
done
lint seed002 fixtures/seed002/cdk.tf.json --env-suffix dev --profile ephemeral
lint seed002-stdin --stdin fixtures/seed002/cdk.tf.json - --stdin-filename fixtures/seed002/cdk.tf.json --env-suffix dev --profile ephemeral
lint seed002-absolute-path "$repo/fixtures/seed002/cdk.tf.json" --env-suffix dev --profile ephemeral
lint seed002-from-its-folder --cwd "$repo/fixtures/seed002" --root "$repo" cdk.tf.json --env-suffix dev --profile ephemeral
for f in fixtures/reference/*/cdk.tf.json fixtures/reference/mutants/*/cdk.tf.json; do
    lint "${f#fixtures/}" "$f" --config reference-stack/drlint.toml
done
plan_resources="${DRLINT_SARIF_PLAN_RESOURCES:-3000}"
[[ "$plan_resources" =~ ^[1-9][0-9]*$ ]] || die "DRLINT_SARIF_PLAN_RESOURCES must be a positive number, not '$plan_resources'"
"$gen" "$plan_resources" > "$work/gen-workspace/plan.json"
lint "generated/plan-$plan_resources" --cwd "$work/gen-workspace" plan.json
for f in fixtures/terraform/*/plan.json; do
    lint "${f#fixtures/}" "$f"
done
# Real third-party inputs (fixtures/samples/SOURCES.md); the ones drlint rejects by design
# (tests/samples.rs pins which) have no SARIF and are skipped.
for f in fixtures/samples/*/*.json; do
    lint "${f#fixtures/}" --skip-rejected "$f"
done
for f in "${live_files[@]}"; do
    [[ -s "$live_tmp/$f" ]] || die "$live_tmp/$f is missing: tests/live.rs no longer writes its SARIF report there (update live_files in this script)"
    cp "$live_tmp/$f" "$work/sarif/live__${f%%/*}.sarif"
    # The live tests run drlint in the repository root and name their scratch folder as
    # --source-root (the checkout a nightly workflow saves snapshots in).
    live_root="$live_tmp/${f%%/*}"
    printf '%s\t%s\t%s\n' "live/${f%%/*}" "$work/sarif/live__${f%%/*}.sarif" "$live_root" >> "$names"
done
canary="$work/canary.sarif"
python3 tests/sarif-validate.py canary "$work/sarif/rules__DR101__fail.tf.json.sarif" "$canary"
echo "   $(wc -l < "$names") SARIF files + 1 canary ($skipped samples skipped: drlint rejects them by design)"

# --- validate ----------------------------------------------------------------------------------
echo "== $multitool validate (rule kinds Sarif;Ghas, levels Error;Warning;Note)"
mapfile -t files < <(cut -f2 "$names")
# The multitool takes `--rule-kind` values Sarif, Ghas, GHAzDO, AI; "Ghas" selects GitHub's GHnnnn
# rules. Semicolon lists are single arguments (the binary is run directly, not through npx's shell).
if ! DOTNET_CLI_TELEMETRY_OPTOUT=1 "$multitool" validate "${files[@]}" "$canary" \
    --config tests/sarif-validate.config.xml \
    --rule-kind "Sarif;Ghas" \
    --level "Error;Warning;Note" \
    --output "$work/validation.sarif" --log ForceOverwrite \
    --quiet > "$work/multitool.log" 2>&1; then
    cat "$work/multitool.log" >&2
    die "the multitool failed (see above)"
fi
[[ -s "$work/validation.sarif" ]] || { cat "$work/multitool.log" >&2; die "the multitool wrote no log"; }
echo "   log: $work/validation.sarif"
python3 tests/sarif-validate.py summarize "$work/validation.sarif" "$names" "$canary" "$mode"
