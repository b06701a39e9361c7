#!/usr/bin/env bash
# Starts PostgreSQL, Redis and RabbitMQ if they are not answering, the way the machine starts
# them, and waits until each answers. Needs root (as on the CI machine).
set -euo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # name port
  for _ in $(seq 1 60); do up "$2" && return 0; sleep 1; done
  echo "ensure-services: $1 did not come up on port $2" >&2; return 1
}

if ! up 5432; then
  echo "ensure-services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_for PostgreSQL 5432
fi
if ! up 6379; then
  echo "ensure-services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis 6379
fi
if ! up 5672; then
  echo "ensure-services: starting RabbitMQ"
  rabbitmq-server -detached
  for _ in $(seq 1 90); do rabbitmqctl -q await_startup >/dev/null 2>&1 && break; sleep 1; done
  wait_for RabbitMQ 5672
fi
# RabbitMQ's Prometheus endpoint (as in compose), scraped by the real-Prometheus e2e tests.
if ! up 15692; then
  echo "ensure-services: enabling rabbitmq_prometheus"
  rabbitmq-plugins -q enable --online rabbitmq_prometheus >/dev/null
  wait_for "RabbitMQ's Prometheus endpoint" 15692
fi
echo "ensure-services: PostgreSQL, Redis and RabbitMQ are up"
