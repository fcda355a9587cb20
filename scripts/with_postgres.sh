#!/usr/bin/env bash
# Run a command with TEST_DATABASE_URL pointing at a throw-away PostgreSQL server.
# Uses DATABASE_URL as is when it already names a PostgreSQL server; otherwise installs
# PostgreSQL from Debian's packages if missing (needs root) and starts a private cluster
# on a free port, removed again on exit. SKIP_POSTGRES=1 skips the run with a notice.
set -euo pipefail

if [[ "${SKIP_POSTGRES:-}" == 1 ]]; then
  echo "SKIP_POSTGRES=1: the PostgreSQL run is skipped" >&2
  exit 0
fi
if [[ "${DATABASE_URL:-}" == postgresql* ]]; then
  TEST_DATABASE_URL="$DATABASE_URL" exec "$@"
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$pg_bin" ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "PostgreSQL is not installed and this is not root: install it (apt-get install postgresql)," >&2
    echo "point DATABASE_URL at a server, or run with SKIP_POSTGRES=1." >&2
    exit 1
  fi
  echo "installing PostgreSQL from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

workdir=$(mktemp -d /tmp/zhucun-pg.XXXXXX)
run_as=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres: "$workdir"
  run_as=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

"${run_as[@]}" "$pg_bin/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -l "$workdir/log" -w \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null

export TEST_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $port" >&2
"$@"
