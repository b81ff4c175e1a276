#!/usr/bin/env bash
# Step "lint" of the drlint GitHub Action (action.yml): runs drlint on the inputs, writes the SARIF
# file and the Markdown job summary, and records the exit code WITHOUT failing the step, so that
# the SARIF upload runs first; action/finish.sh fails the job afterwards per `fail-on`.
#
# Environment (set by action.yml; a test sets them by hand):
#   GITHUB_WORKSPACE      directory drlint runs in; input patterns are relative to it
#   GITHUB_OUTPUT         file the step outputs are appended to (sarif-file, markdown-file, exit-code)
#   GITHUB_STEP_SUMMARY   file the Markdown summary is appended to
#   RUNNER_TEMP           where the SARIF file goes unless INPUT_SARIF_FILE is set
#   INPUT_COMMAND         "" (lint files) or "live" (`drlint live`: INPUT_INPUTS must be empty)
#   INPUT_INPUTS          files or glob patterns (`**` works), separated by spaces or newlines
#   INPUT_ARGS            extra drlint flags, separated by spaces or newlines (no shell quoting)
#   INPUT_FAIL_ON         error | warning | note | never (drlint's --fail-on)
#   INPUT_SARIF_FILE      where to write the SARIF file (relative to GITHUB_WORKSPACE), optional
#   DRLINT                the drlint binary (default: drlint on PATH)
#
# Exit codes: 0 drlint ran (its exit code is in the outputs: 0 clean, 1 findings at or above
# fail-on, 3 live audit incomplete); 2 bad action input or drlint could not read an input (no
# SARIF to upload; drlint's message says which file and why).
set -uo pipefail

fail() {
    echo "::error title=drlint action::$*"
    echo "drlint action: $*" >&2
    exit 2
}
for v in GITHUB_WORKSPACE GITHUB_OUTPUT GITHUB_STEP_SUMMARY RUNNER_TEMP; do
    [[ -n "${!v:-}" ]] || fail "$v is not set (this script runs inside the drlint action)"
done
drlint="${DRLINT:-drlint}"
command -v "$drlint" > /dev/null || fail "'$drlint' is not on PATH (the install step of the action puts it there)"
cd "$GITHUB_WORKSPACE" || fail "GITHUB_WORKSPACE=$GITHUB_WORKSPACE is not a directory"

fail_on="${INPUT_FAIL_ON:-error}"
case "$fail_on" in
error | warning | note | never) ;;
*) fail "input fail-on is '$fail_on'; expected error, warning, note or never" ;;
esac

cmd=()
case "${INPUT_COMMAND:-}" in
"") ;;
live) cmd=(live) ;;
*) fail "input command is '${INPUT_COMMAND}'; expected empty (lint files) or 'live'" ;;
esac

# Input patterns, expanded in the workspace; a pattern that matches nothing is an error (a typo
# would otherwise lint nothing and pass).
files=()
shopt -s nullglob globstar
read -r -d '' -a patterns <<< "${INPUT_INPUTS:-}" || true
for p in "${patterns[@]}"; do
    if [[ "$p" == "-" ]]; then
        fail "input inputs: standard input ('-') is not available in the action; give file paths"
    fi
    # shellcheck disable=SC2206 # deliberate glob expansion of one pattern
    matches=($p)
    # (A word without glob characters stays as it is even when no such file exists.)
    if ((${#matches[@]} == 0)) || [[ ! -e "${matches[0]}" ]]; then
        fail "input inputs: '$p' matches no file in $GITHUB_WORKSPACE (did the plan/synth step run?)"
    fi
    files+=("${matches[@]}")
done
shopt -u nullglob globstar
if [[ "${cmd[*]}" == live ]]; then
    ((${#files[@]} == 0)) || fail "input inputs must be empty with command: live (the audit reads AWS Config)"
else
    ((${#files[@]})) || fail "input inputs is empty: give the plan / state / cdk.tf.json files to lint"
fi

read -r -d '' -a extra <<< "${INPUT_ARGS:-}" || true

sarif="${INPUT_SARIF_FILE:-}"
[[ -n "$sarif" ]] || sarif="$RUNNER_TEMP/drlint/drlint.sarif"
[[ "$sarif" == /* ]] || sarif="$GITHUB_WORKSPACE/$sarif"
markdown="$RUNNER_TEMP/drlint/summary.md"
mkdir -p "$(dirname "$sarif")" "$(dirname "$markdown")" || fail "cannot create the folder of $sarif"
rm -f "$sarif" "$markdown"

echo "drlint ${cmd[*]} ${files[*]} ${extra[*]} --fail-on $fail_on"
rc=0
"$drlint" "${cmd[@]}" "${files[@]}" "${extra[@]}" \
    --fail-on "$fail_on" --color always \
    --report "sarif=$sarif" --report "markdown=$markdown" || rc=$?

case "$rc" in
0 | 1 | 3) ;;
*)
    echo "exit-code=$rc" >> "$GITHUB_OUTPUT"
    fail "drlint exited $rc: an input or a flag is wrong (its message above says which and what to do); nothing was uploaded"
    ;;
esac
[[ -s "$sarif" ]] || fail "drlint exited $rc but wrote no SARIF file at $sarif"
if [[ -s "$markdown" ]]; then
    cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
fi
{
    echo "sarif-file=$sarif"
    echo "markdown-file=$markdown"
    echo "exit-code=$rc"
} >> "$GITHUB_OUTPUT"
echo "drlint exited $rc; SARIF: $sarif"
exit 0
