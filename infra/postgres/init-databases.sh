#!/bin/bash
# Mounted into /docker-entrypoint-initdb.d/ of the postgres container; runs once,
# when the data volume is empty. Each subgraph owns a database (its tables live in
# a schema named after the subgraph, created by the subgraph's migration runner
# at start).
set -euo pipefail

for db in campus_identity campus_catalog campus_enrollment; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" <<SQL
SELECT format('CREATE DATABASE %I OWNER %I', '${db}', '${POSTGRES_USER}')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${db}')\gexec
SQL
done
