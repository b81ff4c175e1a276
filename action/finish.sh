#!/usr/bin/env bash
# Last step of the drlint GitHub Action: fails the job with drlint's exit code, after the SARIF
# upload (so alerts are uploaded even when the check fails).
#   DRLINT_EXIT_CODE   the exit-code output of action/lint.sh (0 clean, 1 findings at or above
#                      fail-on, 3 live audit incomplete)
set -euo pipefail
rc="${DRLINT_EXIT_CODE:-}"
case "$rc" in
0) echo "drlint: no finding at or above fail-on" ;;
1)
    echo "::error title=drlint::findings at or above fail-on (see the job summary and the code-scanning alerts)"
    exit 1
    ;;
3)
    echo "::error title=drlint::the live audit is incomplete: a region could not be audited (see the log above)"
    exit 3
    ;;
*)
    echo "::error title=drlint action::no drlint exit code recorded ('$rc'): the lint step did not finish"
    exit 2
    ;;
esac
