#!/usr/bin/env bash
# The whole test suite, on a fresh machine: restores, builds and runs every test project twice, once on
# SQLite with the in-process event bus and once as a scaled-out node would: PostgreSQL and the Redis bus. PostgreSQL 15 and Redis 7 are
# installed with apt-get where missing and started as throwaway instances on loopback ports of their own,
# stopped again on exit. Prints a closing "N passed, N failed" line (summed over both runs) that CI reads.
#
# Already have servers? Set PARLEY_TEST_PG (an admin connection string, e.g.
# "Host=127.0.0.1;Port=5432;Username=postgres;Password=secret") and/or PARLEY_TEST_REDIS ("host:port")
# and the script uses them instead of starting its own.
set -uo pipefail
cd "$(dirname "$0")/.."

PG_BIN=/usr/lib/postgresql/15/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-test.XXXXXX")
log="$work/dotnet-test.log"
pg_dir="" redis_pid=""

say() { echo "== $*"; }
die() { echo "test.sh: $*" >&2; exit 1; }

cleanup() {
    if [ -n "$pg_dir" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$pg_dir" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ -n "$redis_pid" ]; then
        kill "$redis_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command as the postgres user when we are root (initdb and postgres refuse to run as root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then "$(command -v runuser || echo /usr/sbin/runuser)" -u postgres -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() { # first free loopback port from $1 on
    local port=$1
    while ! port_free "$port"; do port=$((port + 1)); done
    echo "$port"
}

install_missing() {
    local need=()
    [ -n "${PARLEY_TEST_PG:-}" ] || [ -x "$PG_BIN/initdb" ] || need+=(postgresql)
    [ -n "${PARLEY_TEST_REDIS:-}" ] || { command -v redis-server >/dev/null && command -v redis-cli >/dev/null; } || need+=(redis-server)
    # Browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
    [ -x /usr/bin/chromium ] || need+=(chromium)
    [ ${#need[@]} -gt 0 ] || return 0
    say "installing ${need[*]} with apt-get"
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || die "need root (or sudo) to install ${need[*]}; or set PARLEY_TEST_PG / PARLEY_TEST_REDIS"
        sudo=(sudo)
    fi
    # Wait for another apt/dpkg run to let go of its lock rather than failing at once.
    local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
    "${apt[@]}" update -qq >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; die "apt-get update failed"; }
    "${apt[@]}" install -y -qq "${need[@]}" </dev/null >>"$work/apt.log" 2>&1 \
        || { cat "$work/apt.log" >&2; die "apt-get install ${need[*]} failed"; }
    [ -n "${PARLEY_TEST_PG:-}" ] || [ -x "$PG_BIN/initdb" ] || die "postgresql installed, but $PG_BIN/initdb is missing (not PostgreSQL 15?)"
    [ -n "${PARLEY_TEST_REDIS:-}" ] || command -v redis-server >/dev/null || die "redis-server installed, but not on PATH"
}

start_postgres() {
    local port tries
    pg_dir="$work/pg"
    mkdir -p "$pg_dir" "$work/pg-run"
    [ "$(id -u)" = 0 ] && chown postgres: "$pg_dir" "$work/pg-run" && chmod 755 "$work"
    as_pg "$PG_BIN/initdb" -D "$pg_dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$work/initdb.log" 2>&1 \
        || { cat "$work/initdb.log" >&2; pg_dir=""; die "initdb failed"; }
    port=$(free_port 55432)
    # Throwaway: no durability, enough connections for parallel test classes each with its own pool.
    as_pg "$PG_BIN/pg_ctl" -D "$pg_dir" -l "$work/pg-run/postgres.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $work/pg-run -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null || { cat "$work/pg-run/postgres.log" >&2; die "PostgreSQL did not start on port $port"; }
    for tries in $(seq 1 60); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres && break
        [ "$tries" = 60 ] && { cat "$work/pg-run/postgres.log" >&2; die "PostgreSQL on port $port not ready after 30s"; }
        sleep 0.5
    done
    export PARLEY_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres"
    say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

start_redis() {
    local port tries
    port=$(free_port 56379)
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
        --dir "$work" --pidfile "$work/redis.pid" --logfile "$work/redis.log" \
        || die "redis-server did not start on port $port"
    for tries in $(seq 1 60); do
        [ -s "$work/redis.pid" ] && redis_pid=$(cat "$work/redis.pid")
        [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ] && break
        [ "$tries" = 60 ] && { cat "$work/redis.log" >&2; die "Redis on port $port not ready after 30s"; }
        sleep 0.5
    done
    [ -n "$redis_pid" ] || redis_pid=$(cat "$work/redis.pid")
    export PARLEY_TEST_REDIS="127.0.0.1:$port"
    say "Redis $(redis-server --version | grep -oE 'v=[0-9.]+' | cut -c3-) on 127.0.0.1:$port"
}

run_suite() { # $1: label; the rest: extra environment for the run
    local label=$1; shift
    say "$label"
    env "$@" dotnet test Parley.slnx -c Release --no-build --nologo 2>&1 | tee -a "$log" | grep -vE '^\s*$'
    return "${PIPESTATUS[0]}"
}

dotnet build Parley.slnx -c Release --nologo -v quiet || exit 1
install_missing
[ -n "${PARLEY_TEST_PG:-}" ] || start_postgres
[ -n "${PARLEY_TEST_REDIS:-}" ] || start_redis

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
