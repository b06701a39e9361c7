#!/bin/sh
# A hot-standby streaming replica of the `postgres` service: on first start it copies the primary
# with pg_basebackup (-R writes standby.signal and primary_conninfo), then runs as a read-only
# standby. The MES reads its work-queue lists from it (DATABASE_REPLICA_URLS) once it has replayed
# the last change, and from the primary otherwise.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h postgres -U postgres -q; do sleep 1; done
  until PGPASSWORD="$POSTGRES_REPLICATION_PASSWORD" pg_basebackup -h postgres -U replicator \
    -D "$PGDATA" -R -X stream -c fast; do
    echo "waiting for the primary to accept replication"
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on
