#!/usr/bin/env bash
# A local 3-node RabbitMQ cluster for fault tests, beside the machine's default node (5672), which
# it leaves alone. Nodes fabflow-rmq1..3@<short hostname>, AMQP on 127.0.0.1:5681..5683, Erlang
# distribution on 25681..25683, Prometheus metrics (plugin rabbitmq_prometheus, as in compose) on
# 127.0.0.1:15701..15703, data (mnesia, logs, config, pid file) under
# /var/tmp/fabflow-rabbitmq/fabflow-rmqN/. Nodes 2 and 3 are joined to node 1. Needs root (or the
# rabbitmq user): the nodes run as the rabbitmq user and share its Erlang cookie. It belongs to
# the testing library (libs/testing/scripts/), whose RabbitCluster runs it for the fault tests.
#
#   rabbitmq-cluster.sh start         start what is not running, cluster, wait for 3 running
#                                     nodes; prints the AMQP URL list (the only stdout line)
#   rabbitmq-cluster.sh stop          stop all nodes gracefully (rabbitmqctl stop)
#   rabbitmq-cluster.sh status        node states and the cluster view; exit 0 iff 3 running
#   rabbitmq-cluster.sh wipe          stop, then delete all data
#   rabbitmq-cluster.sh start-node N  start node N (e.g. after a kill) and wait until it is
#                                     running and back in the cluster
#   rabbitmq-cluster.sh stop-node N   stop node N gracefully
#   rabbitmq-cluster.sh pid N         the OS pid of node N's beam.smp (exit 1 if none)
#   rabbitmq-cluster.sh urls          the AMQP URL list (no broker calls)
#   rabbitmq-cluster.sh nodes         one line per node: N name amqp-port url
#   rabbitmq-cluster.sh metrics       the nodes' Prometheus endpoints, host:port,… (no calls)
#   rabbitmq-cluster.sh ctl N ARGS... rabbitmqctl -q ARGS against node N, as the rabbitmq
#                                     user (not through the /usr/sbin wrapper, which re-parses
#                                     its arguments with sh -c)
#
# Environment: FABFLOW_RMQ_TIMEOUT (seconds to wait for nodes and the cluster, default 180).
# Progress goes to stderr. Commands that change state take a lock (/var/tmp/fabflow-rabbitmq.lock).
set -euo pipefail

SELF=$(readlink -f "$0")
HOST=$(hostname -s)
BASE=/var/tmp/fabflow-rabbitmq
LOCK_FILE=/var/tmp/fabflow-rabbitmq.lock
COUNT=3
RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_HOME=$(getent passwd rabbitmq | cut -d: -f6)
TIMEOUT=${FABFLOW_RMQ_TIMEOUT:-180}

log() { echo "rabbitmq-cluster: $*" >&2; }
die() {
  log "$*"
  exit 1
}

name() { echo "fabflow-rmq$1@$HOST"; }
amqp_port() { echo $((5680 + $1)); }
dist_port() { echo $((25680 + $1)); }
metrics_port() { echo $((15700 + $1)); }
node_dir() { echo "$BASE/fabflow-rmq$1"; }
pid_file() { echo "$(node_dir "$1")/pid"; }
url() { echo "amqp://guest:guest@127.0.0.1:$(amqp_port "$1")"; }
all_urls() {
  local n out=''
  for n in $(seq 1 $COUNT); do out+="${out:+,}$(url "$n")"; done
  echo "$out"
}
check_n() { [[ "${1:-}" =~ ^[1-3]$ ]] || die "node number must be 1..$COUNT, got '${1:-}'"; }

# Runs a command as the rabbitmq user with its home (and so its Erlang cookie).
as_rabbit() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u rabbitmq -- env HOME="$RMQ_HOME" "$@"
  elif [ "$(id -un)" = rabbitmq ]; then
    env HOME="$RMQ_HOME" "$@"
  else
    die "run as root or as the rabbitmq user"
  fi
}
# rabbitmqctl against node N (quiet). Called directly, not through the /usr/sbin wrapper, which
# re-parses its arguments with sh -c.
ctl() {
  local n=$1
  shift
  (cd "$RMQ_HOME" && as_rabbit "$RMQ_BIN/rabbitmqctl" -n "$(name "$n")" -q "$@" 9>&-)
}

# Is PID a live (not zombie) beam.smp started as node N? (The node name is not on the command
# line; it is in the environment the node was started with.)
is_node_beam() {
  local pid=$1 n=$2
  [ -n "$pid" ] && [ -r "/proc/$pid/environ" ] || return 1
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */beam.smp ]] || return 1
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "RABBITMQ_NODENAME=$(name "$n")"
}
# The pid of node N's beam.smp: from the pid file if it is right, else by scanning /proc (the pid
# file is missing if the node died before writing it, and stale after a SIGKILL).
beam_pid() {
  local n=$1 f pid
  f=$(pid_file "$n")
  if [ -s "$f" ]; then
    pid=$(tr -dc '0-9' <"$f")
    if is_node_beam "$pid" "$n"; then
      echo "$pid"
      return 0
    fi
  fi
  for pid in $(pgrep -x beam.smp); do
    if is_node_beam "$pid" "$n"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# down | unreachable (VM up, not answering yet) | booting | app-stopped | stopping | running
node_state() {
  local n=$1 s
  beam_pid "$n" >/dev/null || {
    echo down
    return
  }
  s=$(ctl "$n" eval 'rabbit_boot_state:get().' 2>/dev/null) || {
    echo unreachable
    return
  }
  case "$s" in
    ready) echo running ;;
    stopped) echo app-stopped ;;
    stopping) echo stopping ;;
    *) echo booting ;;
  esac
}

# A JSON string array from `cluster_status --formatter json` as seen by node N, one name a line.
cluster_list() {
  local json
  json=$(ctl "$1" cluster_status --formatter json 2>/dev/null) || return 1
  json_list "$json" "$2"
}
# The cluster members node N knows of, one a line. (cluster_status needs the app running; this
# works when it is stopped too.)
members() {
  local out
  out=$(ctl "$1" eval 'rabbit_mnesia:cluster_nodes(all).' 2>/dev/null) || return 1
  tr -d "[]' \n" <<<"$out" | tr ',' '\n' | sed '/^$/d'
}
json_list() {
  sed -n "s/.*\"$2\":\[\([^]]*\)\].*/\1/p" <<<"$1" | tr ',' '\n' | tr -d '"' | sed '/^$/d'
}

prepare() {
  local n=$1 d
  d=$(node_dir "$n")
  mkdir -p "$d/mnesia" "$d/log"
  cat >"$d/rabbitmq.conf" <<EOF
# Generated by libs/testing/scripts/rabbitmq-cluster.sh. guest may connect from loopback only (the default).
listeners.tcp.local = 127.0.0.1:$(amqp_port "$n")
loopback_users.guest = true
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $(metrics_port "$n")
EOF
  echo '[rabbitmq_prometheus].' >"$d/enabled_plugins"
  # Replaces /etc/rabbitmq/rabbitmq-env.conf (it names the default node). Same epmd, loopback only.
  cat >"$d/rabbitmq-env.conf" <<EOF
NODENAME=$(name "$n")
ERL_EPMD_ADDRESS=127.0.0.1
EOF
  chown rabbitmq:rabbitmq "$BASE" "$d" "$d/mnesia" "$d/log" "$d/rabbitmq.conf" \
    "$d/enabled_plugins" "$d/rabbitmq-env.conf"
}

# Starts node N's VM in the background (returns at once; see wait_up).
launch() {
  local n=$1 d
  d=$(node_dir "$n")
  prepare "$n"
  rm -f "$d/pid"
  log "starting $(name "$n")"
  (cd "$d" && as_rabbit \
    RABBITMQ_CONF_ENV_FILE="$d/rabbitmq-env.conf" \
    RABBITMQ_NODENAME="$(name "$n")" \
    RABBITMQ_NODE_PORT="$(amqp_port "$n")" \
    RABBITMQ_DIST_PORT="$(dist_port "$n")" \
    RABBITMQ_MNESIA_BASE="$d/mnesia" \
    RABBITMQ_LOG_BASE="$d/log" \
    RABBITMQ_PID_FILE="$d/pid" \
    RABBITMQ_CONFIG_FILE="$d/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$d/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$d/enabled_plugins" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    ERL_CRASH_DUMP="$d/log/erl_crash.dump" \
    "$RMQ_BIN/rabbitmq-server" -detached >>"$d/log/startup.log" 2>&1 9>&-)
}

# Is node N's AMQP listener up? (Read from /proc/net/tcp: probing the port would log a
# connection on the node.)
listening() {
  awk -v p="$(printf ':%04X' "$(amqp_port "$1")")" \
    'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' /proc/net/tcp
}

# Waits until node N's VM answers with the app running (exit 0) or stopped (exit 2, e.g. left by
# an interrupted join). Fails if the VM dies or the deadline passes. While the node boots, only
# /proc is polled: every CLI call is an Erlang VM start that takes CPU from the booting nodes.
wait_up() {
  local n=$1 deadline=$((SECONDS + TIMEOUT)) asked=-100 s=unknown grace=$((SECONDS + 20))
  while :; do
    if beam_pid "$n" >/dev/null; then
      grace=0
    elif ((SECONDS < grace)); then
      # Just launched: `erl -detached` returns before its child has become beam.smp.
      sleep 0.25
      continue
    else
      log "$(name "$n") is not running; end of its log:"
      tail -n 20 "$(node_dir "$n")/log/$(name "$n").log" >&2 2>/dev/null || true
      tail -n 5 "$(node_dir "$n")/log/startup.log" >&2 2>/dev/null || true
      return 1
    fi
    if listening "$n"; then
      ctl "$n" await_startup -t 30 >/dev/null 2>&1 && return 0
    elif ((SECONDS - asked >= 5)); then
      asked=$SECONDS
      s=$(node_state "$n")
      case "$s" in
        running) return 0 ;;
        app-stopped) return 2 ;;
      esac
    fi
    if ((SECONDS >= deadline)); then
      log "$(name "$n") is still '$s' after ${TIMEOUT}s (try: $SELF wipe)"
      return 1
    fi
    sleep 0.25
  done
}

contains() { grep -qx -- "$2" <<<"$1"; }

# ctl, with its output (the CLI logs warnings while joining) shown only if it fails.
ctl_quiet() {
  local out
  out=$(ctl "$@" 2>&1) || {
    echo "$out" >&2
    die "rabbitmqctl -n $(name "$1") ${*:2} failed"
  }
}

# Makes node N (2..COUNT) a running member of node 1's cluster if it is not one. STATE is what
# wait_up found on N: running or app-stopped. Node 1 must be running.
ensure_member() {
  local n=$1 state=$2 seen_by_1 seen_by_n
  seen_by_1=$(members 1) || die "cannot read the cluster members of $(name 1)"
  seen_by_n=$(members "$n") || die "cannot read the cluster members of $(name "$n")"
  if contains "$seen_by_1" "$(name "$n")" && contains "$seen_by_n" "$(name 1)"; then
    if [ "$state" = app-stopped ]; then ctl_quiet "$n" start_app; fi
    return 0
  fi
  log "joining $(name "$n") to $(name 1)"
  ctl_quiet "$n" stop_app
  # Node 1 remembers N from an earlier cluster whose data N has lost (wiped): forget it first.
  if contains "$seen_by_1" "$(name "$n")"; then
    ctl_quiet 1 forget_cluster_node "$(name "$n")"
  fi
  ctl_quiet "$n" reset
  ctl_quiet "$n" join_cluster "$(name 1)"
  ctl_quiet "$n" start_app
}

# Waits until node N sees itself and every node whose AMQP listener is up as running.
wait_in_cluster() {
  local n=$1 deadline=$((SECONDS + TIMEOUT)) m ok running
  while :; do
    ok=1
    running=$(cluster_list "$n" running_nodes) || ok=0
    if ((ok)); then
      for m in $(seq 1 $COUNT); do
        if [ "$m" = "$n" ] || listening "$m"; then
          contains "$running" "$(name "$m")" || ok=0
        fi
      done
    fi
    ((ok)) && return 0
    ((SECONDS >= deadline)) && die "$(name "$n") did not rejoin the cluster within ${TIMEOUT}s"
    sleep 0.5
  done
}

lock() {
  exec 9>"$LOCK_FILE"
  flock -w "$TIMEOUT" 9 || die "another rabbitmq-cluster.sh holds $LOCK_FILE"
}

state_name() { case "$1" in 0) echo running ;; 2) echo app-stopped ;; *) echo down ;; esac; }

cmd_start() {
  lock
  local n pids=() st=() failed=0 rc running deadline json
  mkdir -p "$BASE"
  # Start every VM at once: a node that was clustered waits on boot for its peers.
  for n in $(seq 1 $COUNT); do
    beam_pid "$n" >/dev/null || launch "$n"
  done
  for n in $(seq 1 $COUNT); do
    wait_up "$n" &
    pids[n]=$!
  done
  for n in $(seq 1 $COUNT); do
    rc=0
    wait "${pids[n]}" || rc=$?
    st[n]=$(state_name "$rc")
    [ "${st[n]}" = down ] && failed=1
  done
  ((failed)) && die "start failed"
  if [ "${st[1]}" = app-stopped ]; then ctl_quiet 1 start_app; fi
  running=$(cluster_list 1 running_nodes) || die "cannot read the cluster status of $(name 1)"
  for n in $(seq 2 $COUNT); do
    if [ "${st[n]}" = running ] && contains "$running" "$(name "$n")"; then continue; fi
    ensure_member "$n" "${st[n]}"
  done
  deadline=$((SECONDS + TIMEOUT))
  until json=$(ctl 1 cluster_status --formatter json 2>/dev/null) &&
    [ "$(json_list "$json" running_nodes | wc -l)" = "$COUNT" ]; do
    ((SECONDS >= deadline)) && die "the cluster did not reach $COUNT running nodes in ${TIMEOUT}s"
    sleep 0.5
  done
  if ! grep -q '"partitions":{}' <<<"$json"; then
    die "the cluster reports a network partition; restart it: $SELF stop && $SELF start"
  fi
  log "cluster running: $(name 1), $(name 2), $(name 3)"
  all_urls
}

# Stops node N gracefully; a node that has not stopped after 30 s is sent SIGTERM, then SIGKILL.
stop_node() {
  local n=$1 pid f i
  f=$(pid_file "$n")
  if ! pid=$(beam_pid "$n"); then
    rm -f "$f"
    return 0
  fi
  log "stopping $(name "$n")"
  # Returns once the node has stopped RabbitMQ and begins to halt; the VM exit is awaited here
  # (faster than the CLI's one-second pid file polling).
  timeout 60 "$SELF" ctl "$n" stop >/dev/null 2>&1 || true
  for i in $(seq 1 600); do
    is_node_beam "$pid" "$n" || break
    [ "$i" = 300 ] && log "$(name "$n") does not stop; sending SIGTERM" && kill -TERM "$pid" 2>/dev/null
    [ "$i" = 500 ] && log "$(name "$n") does not stop; sending SIGKILL" && kill -KILL "$pid" 2>/dev/null
    sleep 0.1
  done
  rm -f "$f"
}

# One node after the other, node 1 last: nodes stopped at the same moment each boot believing
# the others were still up (mnesia logs inconsistent_database), and a lone node 1 could not start.
cmd_stop() {
  lock
  local n
  for n in $(seq $COUNT -1 1); do stop_node "$n"; done
}

cmd_status() {
  local n s pid all=0
  for n in $(seq 1 $COUNT); do
    s=$(node_state "$n")
    pid=$(beam_pid "$n" || echo -)
    printf '%-22s amqp 127.0.0.1:%s  pid %-8s %s\n' "$(name "$n")" "$(amqp_port "$n")" "$pid" "$s"
  done
  for n in $(seq 1 $COUNT); do
    if [ "$(node_state "$n")" = running ]; then
      local running
      running=$(cluster_list "$n" running_nodes | paste -sd ' ')
      echo "cluster (seen by $(name "$n")): running $running"
      all=$(wc -w <<<"$running")
      break
    fi
  done
  [ "$all" = "$COUNT" ]
}

cmd_wipe() {
  cmd_stop
  log "deleting $BASE"
  rm -rf "$BASE"
}

cmd_start_node() {
  check_n "$1"
  lock
  local n=$1 rc=0 node1_up=1
  mkdir -p "$BASE"
  if [ "$n" != 1 ] && ! listening 1; then
    node1_up=0
    # Without node 1 a join cannot be made; a node that was a member rejoins on its own.
    [ -d "$(node_dir "$n")/mnesia/$(name "$n")" ] || die "start node 1 first"
  fi
  beam_pid "$n" >/dev/null || launch "$n"
  wait_up "$n" || rc=$?
  [ "$rc" = 1 ] && die "start failed"
  if [ "$n" != 1 ] && ((node1_up)); then
    ensure_member "$n" "$(state_name "$rc")"
  elif [ "$rc" = 2 ]; then
    ctl_quiet "$n" start_app
  fi
  wait_in_cluster "$n"
  log "$(name "$n") running"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wipe) cmd_wipe ;;
  start-node) cmd_start_node "${2:-}" ;;
  stop-node)
    check_n "${2:-}"
    lock
    stop_node "$2"
    ;;
  pid)
    check_n "${2:-}"
    beam_pid "$2"
    ;;
  urls) all_urls ;;
  nodes) for n in $(seq 1 $COUNT); do echo "$n $(name "$n") $(amqp_port "$n") $(url "$n")"; done ;;
  metrics)
    out=''
    for n in $(seq 1 $COUNT); do out+="${out:+,}127.0.0.1:$(metrics_port "$n")"; done
    echo "$out"
    ;;
  ctl)
    check_n "${2:-}"
    n=$2
    shift 2
    ctl "$n" "$@"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$SELF" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
