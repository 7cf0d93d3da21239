#!/bin/bash
# The part of the official image's entrypoint the generated compose files rely on: an empty data
# directory is initialised for POSTGRES_USER (default postgres) with POSTGRES_PASSWORD, or with
# POSTGRES_HOST_AUTH_METHOD=trust and no password; POSTGRES_DB is created; the server listens on
# every address of the container and accepts network connections with that method.
set -euo pipefail
if [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  user="${POSTGRES_USER:-postgres}"
  method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$method" != trust ]; then
    echo "Error: database is uninitialized and superuser password is not specified." >&2
    echo "       Set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password." >&2
    exit 1
  fi
  pwfile=()
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pgpass
    pwfile=(--pwfile=/tmp/pgpass)
  fi
  initdb --username="$user" --auth-local=trust --auth-host="$method" "${pwfile[@]}" -D "$PGDATA" >/dev/null
  rm -f /tmp/pgpass
  echo "host all all all $method" >> "$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  db="${POSTGRES_DB:-$user}"
  if [ "$db" != postgres ]; then
    echo "CREATE DATABASE \"$db\";" | postgres --single -D "$PGDATA" -j postgres >/dev/null
  fi
  echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@"
