#!/usr/bin/env bash
# Footprint benchmark (`./demo.sh footprint`): starts the local three-member cluster from empty
# data in ./footprint-data, prints for each member the seconds from launching its agent until its
# REST API answers, lets the healthy cluster sit idle for IDLE_S seconds (default 60), then prints
# each agent's resident memory from /proc/<pid>/status. Finally it restarts one replica and prints
# its start-up time again (a restart includes the ET_min wait before it may rejoin Raft). Next to
# each wall time it prints the CPU seconds the JVM used until then, which other load on the
# machine distorts far less, and the seconds until the agent serves its own state (its REST API
# answers "starting" before: GET /config says "raftgres is starting"); next to the memory, the
# share of a core each agent used while idle.
# Numbers only, no assertion. NMT=1 also runs the agents with Native Memory Tracking and prints
# n1's summary (committed KB per JVM area); RAFTGRES_JAVA_OPTS replaces the launcher's JVM flags.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DATA="${FOOTPRINT_DATA:-$ROOT/footprint-data}"
IDLE_S="${IDLE_S:-60}"
case "$IDLE_S" in ''|*[!0-9]*) echo "IDLE_S must be a whole number of seconds, got '$IDLE_S'" >&2; exit 2 ;; esac
. "$ROOT/scripts/java-env.sh"
. "$ROOT/scripts/demo-lib.sh"
find_pg_bin || exit 2
need_tools || exit 2
ensure_built || exit 2
if [ "${NMT:-0}" = 1 ]; then export JDK_JAVA_OPTIONS="-XX:NativeMemoryTracking=summary"; fi

stop_members "${MEMBERS[@]}"
rm -rf "$DATA"
write_configs
cleanup() { stop_members "${MEMBERS[@]}"; }
stop_on_exit cleanup

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rest_answers() { [ "$(http_code "http://127.0.0.1:$(rest_port "$1")/liveness")" != 000 ]; }
# The agent has joined Raft and run its first HA cycle: its REST API no longer answers as starting.
agent_up() { ! curl -s --max-time 2 "http://127.0.0.1:$(rest_port "$1")/config" | grep -q 'raftgres is starting'; }

# CPU seconds (user + system) the agent's JVM has used so far: on a busy machine a steadier
# measure of start-up work than wall time.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }

# Starts the given members at once; prints "member wall-seconds cpu-seconds up-seconds" for each:
# when its REST API first answers, and when the agent serves its own state.
start_and_time() {
  local m t0 pending=("$@") left deadline
  declare -A rest_at cpu_at
  t0=$(now)
  for m in "$@"; do start_member "$m"; done
  deadline=$(( $(date +%s) + 180 ))
  while [ ${#pending[@]} -gt 0 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "agents ${pending[*]} not up after 180 s" >&2; return 1; }
    left=()
    for m in "${pending[@]}"; do
      if [ -z "${rest_at[$m]:-}" ] && rest_answers "$m"; then
        rest_at[$m]=$(elapsed "$t0" "$(now)"); cpu_at[$m]=$(cpu_s "$(agent_pid "$m")")
      fi
      if [ -n "${rest_at[$m]:-}" ] && agent_up "$m"; then
        printf '%-8s %-8s %-12s %s\n' "$m" "${rest_at[$m]}" "${cpu_at[$m]}" "$(elapsed "$t0" "$(now)")"
      else left+=("$m"); fi
    done
    pending=("${left[@]+"${left[@]}"}")
    [ ${#pending[@]} -eq 0 ] || sleep 0.05
  done
}

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; }

echo "JVM flags: ${RAFTGRES_JAVA_OPTS:-launcher defaults (see ./raftgres)}${JDK_JAVA_OPTIONS:+ + $JDK_JAVA_OPTIONS}"
echo
echo "start-up from empty data, launch -> REST answers (wall, JVM CPU), -> agent up (wall):"
printf '%-8s %-8s %-12s %s\n' member "REST (s)" "JVM CPU (s)" "up (s)"
start_and_time "${MEMBERS[@]}"
wait_healthy 120 || { echo "cluster did not become healthy" >&2; exit 1; }
echo
echo "healthy; idle for $IDLE_S s..."
declare -A idle_from
for m in "${MEMBERS[@]}"; do idle_from[$m]=$(cpu_s "$(agent_pid "$m")"); done
sleep "$IDLE_S"
# idle CPU: the share of one core the agent used while idle (heartbeats, HA loop, JIT, GC)
printf '%-8s %-8s %-10s %-9s %-9s %-8s %s\n' member role "RSS (MB)" "anon" "file" threads "idle CPU (%)"
p=$(primary_member)
for m in "${MEMBERS[@]}"; do
  a=$(agent_pid "$m")
  role=replica; [ "$m" = "$p" ] && role=primary
  printf '%-8s %-8s %-10s %-9s %-9s %-8s %s\n' "$m" "$role" "$(mb "$(status_kb "$a" VmRSS)")" \
    "$(mb "$(status_kb "$a" RssAnon)")" "$(mb "$(status_kb "$a" RssFile)")" "$(status_kb "$a" Threads)" \
    "$(awk -v a="${idle_from[$m]}" -v b="$(cpu_s "$a")" -v t="$IDLE_S" 'BEGIN { printf "%.1f", 100 * (b - a) / t }')"
done
if [ "${NMT:-0}" = 1 ]; then
  echo
  echo "n1 native memory (jcmd VM.native_memory summary, committed):"
  "$JAVA_HOME/bin/jcmd" "$(agent_pid n1)" VM.native_memory summary \
    | sed -n 's/^-  *\([A-Za-z][A-Za-z ]*\) (reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\1 \2/p; s/^Total: reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/Total \1/p' \
    | awk '{ kb = $NF; $NF = ""; printf "  %-28s %6.1f MB\n", $0, kb / 1024 }'
fi
r=n1; [ "$r" = "$p" ] && r=n2
echo
echo "restart of replica $r, launch -> REST answers, -> agent up (up includes the ET_min rejoin wait):"
printf '%-8s %-8s %-12s %s\n' member "REST (s)" "JVM CPU (s)" "up (s)"
stop_members "$r"
start_and_time "$r"
