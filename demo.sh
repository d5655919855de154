#!/usr/bin/env bash
# demo.sh: starts a local three-member raftgres cluster (agents as separate processes, real
# PostgreSQL on 127.0.0.1:5433-5435, REST 8008-8010, Raft 5010-5012, data in ./demo-data),
# waits until it is healthy, prints the members and how to fail it over, then shows the agents'
# HA log lines until Ctrl-C, which stops everything it started. Whatever ends it (Ctrl-C,
# SIGTERM, giving up on an unhealthy cluster, an error) stops every agent and PostgreSQL first.
#   ./demo.sh              run the demo
#   ./demo.sh restart nX   (re)start member nX in the background, logging to its raftgres.log
#   ./demo.sh stop         stop every member of the demo, keep the data
#   ./demo.sh bench        failover benchmark: kill the primary 5 times, print the numbers
#                          (SYNC_MODE=on or quorum: in that synchronous_mode)
#   ./demo.sh footprint    agent start-up time and idle memory per member (numbers only)
#   ./demo.sh bench-switchover  switchover benchmark: 5 planned switchovers with a writer
#   ./demo.sh clean        remove ./demo-data (stops members first)
# Environment: DEMO_DATA (data directory, default ./demo-data), DEMO_HEALTH_TIMEOUT (seconds to
# wait for a healthy cluster before giving up, default 90), DEMO_RAFT (raft keys for fresh demo
# data, e.g. 'election_timeout_min: 1000ms, lease: 300ms'; the agent refuses a timing that breaks its rule).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
DATA="$(readlink -m "${DEMO_DATA:-$ROOT/demo-data}")"
HEALTH_TIMEOUT="${DEMO_HEALTH_TIMEOUT:-90}"
. "$ROOT/scripts/java-env.sh"
. "$ROOT/scripts/demo-lib.sh"
find_pg_bin || exit 2
need_tools || exit 2
case "$HEALTH_TIMEOUT" in
  ''|*[!0-9]*|0) echo "DEMO_HEALTH_TIMEOUT must be a whole number of seconds above 0, got '$HEALTH_TIMEOUT'" >&2; exit 2 ;;
esac

# How to run this script again, as the user would type it: absolute, with DEMO_DATA if not the default.
SELF="$ROOT/demo.sh"
[ "$DATA" = "$ROOT/demo-data" ] || SELF="DEMO_DATA=$DATA $SELF"

FOLLOWER=""
stop_all() {
  [ -z "$FOLLOWER" ] || kill "$FOLLOWER" 2>/dev/null
  echo; echo "stopping the demo cluster (agents first, each stops its PostgreSQL)..."
  stop_members "${MEMBERS[@]}"
  echo "stopped; data kept in $DATA ($SELF clean removes it)"
}

case "${1:-run}" in
  clean)
    stop_members "${MEMBERS[@]}"
    rm -rf "$DATA"; echo "removed $DATA"; exit 0 ;;
  stop)
    stop_members "${MEMBERS[@]}"; echo "stopped every member of the demo in $DATA"; exit 0 ;;
  restart)
    m="${2:-}"
    case "$m" in n1|n2|n3) ;; *) echo "usage: $0 restart n1|n2|n3" >&2; exit 2 ;; esac
    [ -f "$DATA/$m/raftgres.yml" ] || { echo "no demo member $m in $DATA: run $SELF first" >&2; exit 2; }
    ensure_built || exit 2
    stop_members "$m"
    start_member "$m"
    echo "started $m (agent pid $(cat "$DATA/$m/agent.pid")), logging to $DATA/$m/raftgres.log"
    exit 0 ;;
  bench)
    exec "$ROOT/scripts/failover-bench.sh" ;;
  footprint)
    exec "$ROOT/scripts/footprint-bench.sh" ;;
  bench-switchover)
    exec "$ROOT/scripts/switchover-bench.sh" ;;
  run) ;;
  *) echo "usage: $0 [run|restart nX|stop|bench|bench-switchover|footprint|clean]" >&2; exit 2 ;;
esac

ensure_built || exit 2
write_configs
stop_on_exit stop_all
start=$(date +%s)
for m in "${MEMBERS[@]}"; do start_member "$m"; done
echo "started agents n1 n2 n3 (logs: $DATA/<member>/raftgres.log); waiting for a healthy cluster..."
if ! wait_healthy "$HEALTH_TIMEOUT"; then
  echo "the cluster did not become healthy within $HEALTH_TIMEOUT s; last log lines:" >&2
  for m in "${MEMBERS[@]}"; do echo "--- $m"; tail -n 5 "$DATA/$m/raftgres.log"; done >&2
  exit 1
fi
sleep 1  # let every member republish its record before the table is read
p=$(primary_member)
echo "healthy after $(( $(date +%s) - start )) s: one primary, two streaming replicas"
echo
print_members
cat <<TXT

  Connect:     PGPASSWORD=\$(. $DATA/.secrets && echo "\$SU_PASSWORD") psql "host=127.0.0.1 port=$(pg_port "$p") user=postgres dbname=postgres"
  Status:      curl -s http://127.0.0.1:8008/cluster | jq     (also /patroni, /primary, /replica, /config)
  Change:      curl -s -u admin:\$(. $DATA/.secrets && echo "\$REST_PASSWORD") -X PATCH -H 'Content-Type: application/json' \\
                 -d '{"postgresql": {"parameters": {"work_mem": "8MB"}}}' http://127.0.0.1:8008/config
  Pause:       same with -d '{"pause": true}' (resume: '{"pause": false}')
  Kill the primary's host (agent and PostgreSQL, SIGKILL):
               kill -9 \$(cat $DATA/$p/agent.pid) \$(head -1 $DATA/$p/pg/postmaster.pid)
  Restart it (in another terminal; it logs to $DATA/$p/raftgres.log, shown below):
               $SELF restart $p
  Ctrl-C stops the whole demo.

HA log (one line per member and cycle):
TXT
# tail stops by itself once this script is gone (--pid); grep ends when tail closes the pipe.
tail -n 0 -F --pid=$$ "$DATA"/n1/raftgres.log "$DATA"/n2/raftgres.log "$DATA"/n3/raftgres.log 2>/dev/null \
  > >(grep --line-buffered -v -e '^==>' -e '^$') &
FOLLOWER=$!
# Poll rather than 'wait': a signal then ends the script (and stops the cluster) within a second.
while kill -0 "$FOLLOWER" 2>/dev/null; do sleep 1; done
