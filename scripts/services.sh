#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and Redis 7 on loopback ports of their own, for the test suite and the benchmarks.
# Installs them (and any extra Debian packages asked for) with apt-get where missing; apt never starts a
# service here, so they are started by hand: `pg_ctl` as the postgres user, `redis-server --daemonize yes`.
#
# Sourced (scripts/test.sh): set `work` to a scratch folder first, then call install_missing, start_postgres,
# start_redis and, on exit, stop_services. Started servers are announced through PARLEY_TEST_PG (an admin
# connection string) and PARLEY_TEST_REDIS ("host:port"); when those are already set, nothing is started.
#
# Run (bench/Parley.Bench starts its own services this way):
#   scripts/services.sh start DIR   starts both with their files under DIR, prints PARLEY_TEST_PG=… and PARLEY_TEST_REDIS=… lines
#                                   (and PARLEY_TEST_S3=… with s3rver when PARLEY_START_S3=1)
#   scripts/services.sh stop DIR    stops what `start DIR` started and deletes DIR

PG_BIN=/usr/lib/postgresql/15/bin

say() { echo "== $*" >&2; }
die() { echo "services.sh: $*" >&2; exit 1; }

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

# install_missing [package=/path/of/its/executable ...]: PostgreSQL and Redis unless given, plus the extras named.
install_missing() {
    local need=() extra
    [ -n "${PARLEY_TEST_PG:-}" ] || [ -x "$PG_BIN/initdb" ] || need+=(postgresql)
    [ -n "${PARLEY_TEST_REDIS:-}" ] || { command -v redis-server >/dev/null && command -v redis-cli >/dev/null; } || need+=(redis-server)
    for extra in "$@"; do [ -x "${extra#*=}" ] || need+=("${extra%%=*}"); done
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
    for extra in "$@"; do [ -x "${extra#*=}" ] || die "${extra%%=*} installed, but ${extra#*=} is missing"; done
}

start_postgres() {
    local port tries pg_dir="$work/pg"
    mkdir -p "$pg_dir" "$work/pg-run"
    [ "$(id -u)" = 0 ] && chown postgres: "$pg_dir" "$work/pg-run" && chmod 755 "$work"
    as_pg "$PG_BIN/initdb" -D "$pg_dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$work/initdb.log" 2>&1 \
        || { cat "$work/initdb.log" >&2; rm -rf "$pg_dir"; die "initdb failed"; }
    port=$(free_port 55432)
    # Throwaway: no durability, enough connections for parallel test classes (or several nodes) each with its own pool.
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
        [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ] && [ -s "$work/redis.pid" ] && break
        [ "$tries" = 60 ] && { cat "$work/redis.log" >&2; die "Redis on port $port not ready after 30s"; }
        sleep 0.5
    done
    export PARLEY_TEST_REDIS="127.0.0.1:$port"
    say "Redis $(redis-server --version | grep -oE 'v=[0-9.]+' | cut -c3-) on 127.0.0.1:$port"
}

# An S3-compatible server for the storage tests: s3rver from npm (scripts/s3/package.json, installed with `npm ci`
# the first time), data under $work/s3, on a free loopback port; announced through PARLEY_TEST_S3 (its URL).
# Credentials are s3rver's fixed S3RVER / S3RVER; the tests make a bucket per test class.
start_s3() {
    local port tries root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/s3"
    if [ ! -x "$root/node_modules/.bin/s3rver" ]; then
        (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) >"$work/npm-s3.log" 2>&1 \
            || { cat "$work/npm-s3.log" >&2; die "npm ci in scripts/s3 failed"; }
    fi
    port=$(free_port 54568)
    mkdir -p "$work/s3"
    node "$root/node_modules/.bin/s3rver" -d "$work/s3" -a 127.0.0.1 -p "$port" --silent </dev/null >"$work/s3.log" 2>&1 &
    echo $! >"$work/s3.pid"
    for tries in $(seq 1 60); do
        port_free "$port" || break
        [ "$tries" = 60 ] && { cat "$work/s3.log" >&2; die "s3rver on port $port not ready after 30s"; }
        sleep 0.5
    done
    export PARLEY_TEST_S3="http://127.0.0.1:$port"
    say "s3rver $(node -p "require('$root/node_modules/s3rver/package.json').version") on 127.0.0.1:$port"
}

# Stops whatever start_postgres, start_redis and start_s3 started under $work (and only that).
stop_services() {
    if [ -f "$work/pg/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ -s "$work/redis.pid" ]; then
        kill "$(cat "$work/redis.pid")" 2>/dev/null || true
    fi
    if [ -s "$work/s3.pid" ]; then
        kill "$(cat "$work/s3.pid")" 2>/dev/null || true
    fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -uo pipefail
    [ $# = 2 ] || die "usage: $0 start|stop DIR"
    work=$2
    case $1 in
        start)
            mkdir -p "$work" || die "cannot create $work"
            trap '[ $? = 0 ] || stop_services' EXIT
            install_missing
            [ -n "${PARLEY_TEST_PG:-}" ] || start_postgres
            [ -n "${PARLEY_TEST_REDIS:-}" ] || start_redis
            if [ "${PARLEY_START_S3:-}" = 1 ] && [ -z "${PARLEY_TEST_S3:-}" ]; then
                install_missing nodejs=/usr/bin/node npm=/usr/bin/npm
                start_s3
            fi
            echo "PARLEY_TEST_PG=$PARLEY_TEST_PG"
            echo "PARLEY_TEST_REDIS=$PARLEY_TEST_REDIS"
            [ -z "${PARLEY_TEST_S3:-}" ] || echo "PARLEY_TEST_S3=$PARLEY_TEST_S3"
            ;;
        stop)
            stop_services
            rm -rf "$work"
            ;;
        *) die "usage: $0 start|stop DIR" ;;
    esac
fi
