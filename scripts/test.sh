#!/usr/bin/env bash
# The whole test suite, on a fresh machine: restores, builds and runs every test project.
# Prints a closing "N passed, N failed" line that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
    echo "== installing chromium (Debian package) for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_suite() { # $1: label; the rest: extra environment for the run
    local label=$1; shift
    echo "== $label"
    env "$@" dotnet test Parley.slnx -c Release --nologo 2>&1 | tee -a "$log" | grep -vE '^\s*$'
    return "${PIPESTATUS[0]}"
}

status=0
dotnet build Parley.slnx -c Release --nologo -v quiet || exit 1
run_suite "SQLite" PARLEY_TEST_DB=sqlite || status=1

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
[ "$passed" -gt 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
