#!/bin/sh
# Starts a Redis server or Sentinel of docker-compose.yml from a configuration file of its own in
# /data (a volume), written from deploy/redis/*.conf at first boot only: Sentinel rewrites the
# servers' and its own files on failover (CONFIG REWRITE), so a restarted container keeps the
# role Sentinel gave it instead of coming back as a second primary.
#
#   entrypoint.sh server    [REDIS_REPLICA_OF=host port for the first boot of a replica]
#   entrypoint.sh sentinel
# REDIS_ANNOUNCE_HOSTNAME: the name the others reach this one by (its compose service name).
set -eu
mode=${1:?server or sentinel}
case "$mode" in
  server)
    conf=/data/redis.conf
    if [ ! -s "$conf" ]; then
      cp /etc/fabflow/redis.conf "$conf"
      echo "replica-announce-ip ${REDIS_ANNOUNCE_HOSTNAME:?}" >>"$conf"
      if [ -n "${REDIS_REPLICA_OF:-}" ]; then echo "replicaof $REDIS_REPLICA_OF" >>"$conf"; fi
    fi
    exec redis-server "$conf"
    ;;
  sentinel)
    conf=/data/sentinel.conf
    if [ ! -s "$conf" ]; then
      cp /etc/fabflow/sentinel.conf "$conf"
      echo "sentinel announce-ip ${REDIS_ANNOUNCE_HOSTNAME:?}" >>"$conf"
    fi
    exec redis-sentinel "$conf"
    ;;
  *)
    echo "entrypoint.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
