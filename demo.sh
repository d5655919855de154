#!/usr/bin/env bash
# demo.sh: starts a local three-member raftgres cluster (agents as separate processes, real
# PostgreSQL on 127.0.0.1:5433-5435, REST 8008-8010, Raft 5010-5012, data in ./demo-data),
# waits until it is healthy, prints the members and how to fail it over, then shows the agents'
# HA log lines until Ctrl-C, which stops everything it started.
#   ./demo.sh          run the demo
#   ./demo.sh bench    failover benchmark: kill the primary 5 times, print the numbers
#   ./demo.sh clean    remove ./demo-data (stops members first)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
DATA="${DEMO_DATA:-$ROOT/demo-data}"
. "$ROOT/scripts/java-env.sh"
. "$ROOT/scripts/demo-lib.sh"
find_pg_bin || exit 2
need_tools || exit 2

FOLLOWER=""
stop_all() {
  trap - INT TERM EXIT
  [ -z "$FOLLOWER" ] || kill "$FOLLOWER" 2>/dev/null || true
  echo; echo "stopping the demo cluster..."
  local m; for m in "${MEMBERS[@]}"; do stop_member "$m"; done
  echo "stopped; data kept in $DATA (./demo.sh clean removes it)"
}

case "${1:-run}" in
  clean)
    for m in "${MEMBERS[@]}"; do stop_member "$m"; done
    rm -rf "$DATA"; echo "removed $DATA"; exit 0 ;;
  bench)
    exec "$ROOT/scripts/failover-bench.sh" ;;
  run) ;;
  *) echo "usage: $0 [run|bench|clean]" >&2; exit 2 ;;
esac

ensure_built || exit 2
write_configs
trap stop_all INT TERM EXIT
start=$(date +%s)
for m in "${MEMBERS[@]}"; do start_member "$m"; done
echo "started agents n1 n2 n3 (logs: $DATA/<member>/raftgres.log); waiting for a healthy cluster..."
if ! wait_healthy 90; then
  echo "the cluster did not become healthy within 90 s; last log lines:" >&2
  for m in "${MEMBERS[@]}"; do echo "--- $m"; tail -n 5 "$DATA/$m/raftgres.log"; done >&2
  exit 1
fi
sleep 1  # let every member republish its record before the table is read
p=$(primary_member)
echo "healthy after $(( $(date +%s) - start )) s: one primary, two streaming replicas"
echo
print_members
cat <<TXT

  Connect:     psql "host=127.0.0.1 port=$(pg_port "$p") user=postgres"   (password in $DATA/.secrets)
  Status:      curl -s http://127.0.0.1:8008/cluster | jq     (also /patroni, /primary, /replica)
  Kill the primary's host (agent and PostgreSQL, SIGKILL):
               kill -9 \$(cat $DATA/$p/agent.pid) \$(head -1 $DATA/$p/pg/postmaster.pid)
  Restart a member by hand (in another terminal):
               ./raftgres -c demo-data/$p/raftgres.yml
  Ctrl-C stops the whole demo.

HA log (one line per member and cycle):
TXT
tail -n 0 -F "$DATA"/n1/raftgres.log "$DATA"/n2/raftgres.log "$DATA"/n3/raftgres.log 2>/dev/null \
  | grep --line-buffered -v -e '^==>' -e '^$' &
FOLLOWER=$!
# Poll rather than 'wait': a signal then runs the trap in this shell within a second.
while kill -0 "$FOLLOWER" 2>/dev/null; do sleep 1; done
