#!/usr/bin/env bash
# The whole test suite, on a fresh machine: restores, builds and runs every test project twice, once on
# SQLite with the in-process event bus and once as a scaled-out node would: PostgreSQL and the Redis bus.
# PostgreSQL 15 and Redis 7 are installed with apt-get where missing (so are Chromium, nginx and Node.js) and started
# as throwaway instances on loopback ports of their own (scripts/services.sh), stopped again on exit; the
# multi-node tests use them in both runs; so is s3rver, an S3-compatible server from npm, for the storage tests.
# Prints a closing "N passed, N failed" line (summed over both runs) that CI reads. Before the tests,
# `dotnet format --verify-no-changes` checks the style of .editorconfig.
#
# Already have servers? Set PARLEY_TEST_PG (an admin connection string, e.g.
# "Host=127.0.0.1;Port=5432;Username=postgres;Password=secret") and/or PARLEY_TEST_REDIS ("host:port")
# and the script uses them instead of starting its own.
set -uo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/parley-test.XXXXXX")
log="$work/dotnet-test.log"
# shellcheck source=scripts/services.sh
. scripts/services.sh

cleanup() {
    stop_services
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_suite() { # $1: label; the rest: extra environment for the run
    local label=$1; shift
    say "$label"
    env "$@" dotnet test Parley.slnx -c Release --no-build --nologo 2>&1 | tee -a "$log" | grep -vE '^\s*$'
    return "${PIPESTATUS[0]}"
}

dotnet build Parley.slnx -c Release --nologo -v quiet || exit 1
# Style (.editorconfig): fails the run on code `dotnet format Parley.slnx` would change; run that to fix it.
say "dotnet format --verify-no-changes"
dotnet format Parley.slnx --verify-no-changes -v q || { echo "dotnet format: style differs from .editorconfig; run 'dotnet format Parley.slnx'" >&2; exit 1; }
# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser); the multi-node tests put nginx in front.
# The storage tests run on disk and on S3: s3rver (npm) stands in for S3. The Socket.IO tests drive the real
# socket.io-client from npm under Node (tests/socketio-client, pinned by its lock file). The JavaScript client's own
# node:test tests (clients/js: no dependencies, nothing to install) run from JsClientTests; they need Node.js 20.10+.
install_missing chromium=/usr/bin/chromium nginx=/usr/sbin/nginx nodejs=/usr/bin/node npm=/usr/bin/npm
(cd tests/socketio-client && npm ci --no-audit --no-fund --silent) || exit 1
[ -n "${PARLEY_TEST_PG:-}" ] || start_postgres
[ -n "${PARLEY_TEST_REDIS:-}" ] || start_redis
[ -n "${PARLEY_TEST_S3:-}" ] || start_s3

status=0
run_suite "SQLite" PARLEY_TEST_DB=sqlite || status=1
run_suite "PostgreSQL + Redis bus" PARLEY_TEST_DB=postgres PARLEY_TEST_BUS=redis || status=1

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
[ "$passed" -gt 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
