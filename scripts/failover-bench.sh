#!/usr/bin/env bash
# Failover benchmark: runs the local three-member cluster in ./bench-data, kills the primary
# (agent and PostgreSQL, SIGKILL) five times in a row and prints, per round and as median/max,
# the seconds from the kill until a write succeeds on the new primary and until the killed
# member (restarted right after the new primary accepted a write) streams again.
# SYNC_MODE=off|on|quorum (default off) sets synchronous_mode through PATCH /config first, and each
# round waits until the primary published its synchronous standby (on) or both quorum voters
# (quorum) before the kill, so every kill lands in the mode's steady state.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DATA="${BENCH_DATA:-$ROOT/bench-data}"
ROUNDS="${ROUNDS:-5}"
SYNC_MODE="${SYNC_MODE:-off}"
case "$SYNC_MODE" in
  off) SYNC_ROLE=""; SYNC_COUNT=0 ;;
  on) SYNC_ROLE=sync_standby; SYNC_COUNT=1 ;;
  quorum) SYNC_ROLE=quorum_standby; SYNC_COUNT=2 ;;
  *) echo "SYNC_MODE must be off, on or quorum, got '$SYNC_MODE'" >&2; exit 2 ;;
esac
. "$ROOT/scripts/java-env.sh"
. "$ROOT/scripts/demo-lib.sh"
find_pg_bin || exit 2
need_tools || exit 2
ensure_built || exit 2

stop_members "${MEMBERS[@]}"
rm -rf "$DATA"
write_configs
. "$DATA/.secrets"
cleanup() { stop_members "${MEMBERS[@]}"; }
stop_on_exit cleanup

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
write_to() { PGPASSWORD="$SU_PASSWORD" psql "host=127.0.0.1 port=$1 user=postgres dbname=postgres connect_timeout=1" \
  -Atqc "insert into bench(at) values (now()) returning id" >/dev/null 2>&1; }

for m in "${MEMBERS[@]}"; do start_member "$m"; done
wait_healthy 120 || { echo "cluster did not become healthy" >&2; exit 1; }
p=$(primary_member)
PGPASSWORD="$SU_PASSWORD" psql "host=127.0.0.1 port=$(pg_port "$p") user=postgres dbname=postgres" -qc \
  "create table if not exists bench(id bigserial primary key, at timestamptz)" >/dev/null

# Members /cluster shows in the mode's role (sync_standby or quorum_standby).
sync_members() { curl -fsS -m 1 "http://127.0.0.1:$(rest_port "$1")/cluster" 2>/dev/null \
  | jq --arg r "$SYNC_ROLE" '[.members[] | select(.role == $r)] | length' 2>/dev/null || echo 0; }
wait_sync() {
  [ "$SYNC_COUNT" -gt 0 ] || return 0
  local deadline=$(( $(date +%s) + $1 ))
  until [ "$(sync_members "$(primary_member)")" = "$SYNC_COUNT" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
curl -fsS -m 5 -u "admin:$REST_PASSWORD" -X PATCH -H 'Content-Type: application/json' \
  -d "{\"synchronous_mode\": \"$SYNC_MODE\"}" "http://127.0.0.1:$(rest_port "$p")/config" >/dev/null \
  || { echo "PATCH /config synchronous_mode=$SYNC_MODE failed" >&2; exit 1; }
echo "synchronous_mode: $SYNC_MODE"

writes=(); streams=()
printf '%-6s %-8s %-8s %-22s %-22s\n' round killed new "write ok after (s)" "streams again after (s)"
for r in $(seq 1 "$ROUNDS"); do
  wait_healthy 60 || { echo "round $r: cluster not healthy before the kill" >&2; exit 1; }
  wait_sync 60 || { echo "round $r: synchronous_mode $SYNC_MODE not in effect before the kill" >&2; exit 1; }
  p=$(primary_member)
  t0=$(now); kill_member "$p"
  wrote=""; deadline=$(( $(date +%s) + 60 ))
  while [ -z "$wrote" ] && [ "$(date +%s)" -lt "$deadline" ]; do
    for m in "${MEMBERS[@]}"; do
      [ "$m" = "$p" ] && continue
      if write_to "$(pg_port "$m")"; then wrote=$m; break; fi
    done
    [ -n "$wrote" ] || sleep 0.05
  done
  [ -n "$wrote" ] || { echo "round $r: no writable primary within 60 s" >&2; exit 1; }
  tw=$(since "$t0")
  start_member "$p"
  deadline=$(( $(date +%s) + 90 ))
  until [ "$(replication_state "$p")" = streaming ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "round $r: write ok on $wrote after $tw s, but $p did not stream again within 90 s" >&2; exit 1; }
    sleep 0.2
  done
  ts=$(since "$t0")
  writes+=("$tw"); streams+=("$ts")
  printf '%-6s %-8s %-8s %-22s %-22s\n' "$r" "$p" "$wrote" "$tw" "$ts"
done
stats() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median %.2f s, max %.2f s", m, v[NR] }'; }
echo
echo "synchronous_mode $SYNC_MODE, $ROUNDS rounds"
echo "kill -> write succeeds on the new primary: $(stats "${writes[@]}")"
echo "kill -> killed member streams again:       $(stats "${streams[@]}")"
rss=0; for m in "${MEMBERS[@]}"; do a=$(agent_pid "$m"); [ -n "$a" ] && rss=$(( rss > $(ps -o rss= -p "$a") ? rss : $(ps -o rss= -p "$a") )); done
echo "largest agent RSS: $(( rss / 1024 )) MB"
