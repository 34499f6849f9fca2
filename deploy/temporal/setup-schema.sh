#!/bin/sh
# One-shot: creates Temporal's two PostgreSQL databases and brings their schemas up to the
# version this admin-tools image ships. Safe to run again: existing databases are kept and
# update-schema only applies missing versions.
#
# Runs in temporalio/admin-tools (docker-compose.yml service temporal-setup-schema), which
# reads the connection from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD.
set -eu

: "${SQL_HOST:?set SQL_HOST to the PostgreSQL host}"
: "${SQL_PORT:=5432}"
export SQL_HOST SQL_PORT
: "${TEMPORAL_DB:=temporal}"
: "${TEMPORAL_VISIBILITY_DB:=temporal_visibility}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

echo "Waiting for PostgreSQL at ${SQL_HOST}:${SQL_PORT}..."
attempt=0
until nc -z "$SQL_HOST" "$SQL_PORT"; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 30 ] || { echo "PostgreSQL at ${SQL_HOST}:${SQL_PORT} did not answer in 60 s" >&2; exit 1; }
  sleep 2
done

setup_database() {
  database=$1
  schema=$2
  # create-database fails when the database exists (a restart with a kept volume): that is fine,
  # and a real connection problem still fails setup-schema right after.
  temporal-sql-tool --db "$database" create-database || echo "Database ${database} already exists"
  temporal-sql-tool --db "$database" setup-schema -v 0.0
  temporal-sql-tool --db "$database" update-schema -d "${SCHEMA_DIR}/${schema}/versioned"
}

setup_database "$TEMPORAL_DB" temporal
setup_database "$TEMPORAL_VISIBILITY_DB" visibility
echo "Temporal schemas are up to date"
