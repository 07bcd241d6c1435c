#!/usr/bin/env bash
# Runs a command with TEST_DATABASE_URL pointing at a PostgreSQL server that
# accepts connections: the one given, else the local one on 127.0.0.1:5432,
# else a throwaway cluster started here from the installed binaries and
# removed when the command ends.
set -euo pipefail

can_connect() {
  if command -v psql >/dev/null 2>&1; then
    psql "$1" -Atqc 'select 1' >/dev/null 2>&1
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

local_url="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
if can_connect "$local_url"; then
  export TEST_DATABASE_URL="$local_url"
  exec "$@"
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: no PostgreSQL answers and no server binaries are installed (apt-get install postgresql)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/certinel-pg.XXXXXX)
port=$((20000 + RANDOM % 20000))
run_as=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  run_as=(runuser -u postgres --)
fi
cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
"${run_as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres test
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/test?sslmode=disable"
echo "with-postgres: started a throwaway cluster on port $port" >&2
"$@"
