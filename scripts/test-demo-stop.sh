#!/usr/bin/env bash
# test-demo-stop.sh: drives ./demo.sh through a real terminal (a private tmux server) and checks
# that it stops every agent and PostgreSQL server it started, in each state a user meets:
#   1. Ctrl-C while it waits for a healthy cluster (first start, PostgreSQL already running),
#   2. Ctrl-C while it follows the HA log,
#   3. no Ctrl-C: it gives up because the cluster never becomes healthy (n3's PostgreSQL port is
#      held by another listener, DEMO_HEALTH_TIMEOUT shortens the wait).
# A terminal Ctrl-C signals the whole foreground process group (the script and its curl/sleep
# children), which `kill -INT` of the script alone does not reproduce; hence tmux send-keys C-c.
#
# Uses its own DEMO_DATA under /tmp and removes it. The demo's ports are fixed, so the whole run
# holds /tmp/raftgres-demo.lock, the lock every demo run on a shared machine takes (it waits up to
# 15 minutes for it). Needs tmux: installed with apt-get when missing and running as root, else
# the test reports itself SKIPPED with the reason and exits 0. Exit 1 on a failure.
# Called by ./test.sh after `mvn verify` (which builds the agent distribution the demo runs).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
LOCK=/tmp/raftgres-demo.lock
if [ -z "${RAFTGRES_DEMO_LOCK_HELD:-}" ]; then
  exec env RAFTGRES_DEMO_LOCK_HELD=1 flock -w 900 "$LOCK" "$0" "$@"
fi

say() { echo "demo-stop test: $*"; }
if ! command -v tmux >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing tmux"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux; } >/dev/null 2>&1 || true
  fi
  if ! command -v tmux >/dev/null; then
    say "SKIPPED: tmux is missing and cannot be installed here (needs root and apt-get)"; exit 0
  fi
fi

DATA=$(mktemp -d /tmp/raftgres-demo-test.XXXXXX)
OUT="$DATA.out"
# One tmux server per case: a new session on the socket of a server that kill-server is still
# ending fails with "server exited unexpectedly" (seen under load).
SOCKET_BASE="raftgres-demo-test-$$"
RUN=0
SOCKET="$SOCKET_BASE-$RUN"
T() { tmux -L "$SOCKET" "$@"; }
BLOCKER=""
cleanup() {
  local r; for r in $(seq 0 "$RUN"); do tmux -L "$SOCKET_BASE-$r" kill-server 2>/dev/null || true; done
  [ -z "$BLOCKER" ] || kill "$BLOCKER" 2>/dev/null || true
  # Whatever a failed run left behind: the demo's own clean stops members of this DEMO_DATA only.
  DEMO_DATA="$DATA" "$ROOT/demo.sh" clean >/dev/null 2>&1 || true
  rm -rf "$DATA" "$OUT"
}
trap cleanup EXIT

failures=0
fail() { say "FAILED: $*"; failures=$((failures + 1)); }

# Processes of this demo: agents (-c $DATA/nX/raftgres.yml), postmasters (-D $DATA/nX/pg), the log
# follower (tail -F $DATA/...); PostgreSQL's own children die with their postmaster.
leftovers() { pgrep -af -- "$DATA/" 2>/dev/null || true; }
demo_ports_in_use() { ss -Htln 2>/dev/null | awk '{print $4}' | grep -E ':(543[3-5]|80(08|09|10)|50(10|11|12))$' || true; }

# Starts an interactive shell in a fresh terminal and types the demo command into it, as a user does.
start_demo() {
  : > "$OUT"
  T kill-server 2>/dev/null || true
  RUN=$((RUN + 1)); SOCKET="$SOCKET_BASE-$RUN"
  T new-session -d -s demo -x 200 -y 50 "bash --norc --noprofile"
  T pipe-pane -t demo "cat >> '$OUT'"
  T send-keys -t demo "cd '$ROOT' && DEMO_DATA='$DATA' $1 ./demo.sh; echo \"demo-exit\"\"=\$?\"" Enter
}

wait_for() {  # wait_for SECONDS CONDITION...: polls the condition every 0.5 s
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do [ "$(date +%s)" -lt "$deadline" ] || return 1; sleep 0.5; done
}
out_has() { grep -q -- "$1" "$OUT"; }
postmaster_up() { local f; for f in "$DATA"/n*/pg/postmaster.pid; do [ -f "$f" ] && kill -0 "$(head -1 "$f")" 2>/dev/null && return 0; done; return 1; }

# Waits for the demo to end and checks nothing of it is left; $1 names the case.
expect_all_stopped() {
  if ! wait_for 90 out_has 'demo-exit=[0-9]'; then
    fail "$1: the demo did not exit within 90 s"; return
  fi
  sleep 1
  local left ports
  left=$(leftovers); ports=$(demo_ports_in_use)
  if [ -n "$left" ]; then fail "$1: processes of the demo are still running:"; echo "$left" | sed 's/^/    /'; fi
  if [ -n "$ports" ]; then fail "$1: demo ports still listening: $(echo $ports)"; fi
  if [ -z "$left" ] && [ -z "$ports" ]; then say "ok: $1 ($(grep -o 'demo-exit=[0-9]*' "$OUT" | tail -1))"; fi
  # Leave the next case a clean start even after a failure.
  DEMO_DATA="$DATA" "$ROOT/demo.sh" stop >/dev/null 2>&1 || true
}

# The commands the demo prints work as printed: the Connect line reaches the primary with the
# password from the secrets file, and the restart line brings the member back with its output
# in the raftgres.log the demo follows and its new PID in agent.pid.
check_printed_commands() {
  local connect restart member old_pid new_pid seen
  connect=$(grep -a 'Connect:' "$OUT" | tail -1 | tr -d '\r' | sed 's/^ *Connect: *//')
  if [ "$(bash -c "$connect -Atc 'select 1'" 2>&1)" = 1 ]; then say "ok: the printed Connect command works"
  else fail "the printed Connect command does not work: $connect"; fi
  restart=$(grep -a -A1 'Restart it' "$OUT" | tail -1 | tr -d '\r' | sed 's/^ *//')
  member=${restart##* }
  old_pid=$(cat "$DATA/$member/agent.pid" 2>/dev/null || true)
  if ! bash -c "$restart" >/dev/null 2>&1; then fail "the printed restart command failed: $restart"; return; fi
  new_pid=$(cat "$DATA/$member/agent.pid" 2>/dev/null || true)
  seen=$(grep -a -c "$member" "$OUT" || true)
  if [ -z "$new_pid" ] || [ "$new_pid" = "$old_pid" ] || ! kill -0 "$new_pid" 2>/dev/null; then
    fail "after '$restart' agent.pid holds '$new_pid' (before: '$old_pid'), not a new live agent"
  elif [ "$(readlink "/proc/$new_pid/fd/1")" != "$DATA/$member/raftgres.log" ]; then
    fail "the restarted $member writes to $(readlink "/proc/$new_pid/fd/1"), not $DATA/$member/raftgres.log"
  elif ! wait_for 30 eval '[ "$(grep -a -c "$member" "$OUT")" -gt "$seen" ]'; then
    fail "the demo's log shows nothing of the restarted $member within 30 s"
  else
    say "ok: the printed restart command ($restart) logs where the demo follows and updates agent.pid"
  fi
}

if [ -n "$(demo_ports_in_use)" ]; then
  say "FAILED: demo ports are in use before the test (another demo running without the lock?): $(demo_ports_in_use | xargs)"
  exit 1
fi

say "case 1: Ctrl-C while waiting for a healthy cluster"
start_demo ""
if wait_for 120 postmaster_up && out_has 'waiting for a healthy cluster'; then
  out_has '^healthy after' && say "note: the cluster was healthy before Ctrl-C; case 1 tests the log-following state twice"
  T send-keys -t demo C-c
  expect_all_stopped "Ctrl-C while waiting for health"
else
  fail "case 1: no PostgreSQL came up within 120 s"; tail -n 20 "$OUT"
fi

say "case 2: Ctrl-C while following the HA log"
# From a fresh data directory, so that case 2 measures a cold start: case 1's Ctrl-C may have cut
# a clone short (the agent now removes such a partial copy before cloning again, see CloneMarker;
# ReplicationLifecycleTest covers that).
DEMO_DATA="$DATA" "$ROOT/demo.sh" clean >/dev/null 2>&1 || true
start_demo ""
if wait_for 150 out_has '^HA log'; then
  check_printed_commands
  T send-keys -t demo C-c
  expect_all_stopped "Ctrl-C while following the log"
else
  fail "case 2: the demo did not reach the HA log within 150 s"; tail -n 20 "$OUT"
  T send-keys -t demo C-c; expect_all_stopped "Ctrl-C after case 2 timed out"
fi

say "case 3: the cluster never becomes healthy (n3's port 5435 is taken), the demo gives up"
perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 5435, Listen => 1,
  ReuseAddr => 1) or die "cannot listen on 5435: $!\n"; sleep 300' &
BLOCKER=$!
if ! wait_for 5 eval 'ss -Htlnp | grep -q "127.0.0.1:5435 .*pid=$BLOCKER,"'; then
  fail "case 3: cannot hold port 5435 (left over from case 2?)"
elif start_demo "DEMO_HEALTH_TIMEOUT=25" && wait_for 120 out_has 'did not become healthy'; then
  kill "$BLOCKER" 2>/dev/null || true; BLOCKER=""
  expect_all_stopped "giving up on an unhealthy cluster"
else
  fail "case 3: the demo did not give up within 120 s"; tail -n 20 "$OUT"
  T send-keys -t demo C-c; expect_all_stopped "Ctrl-C after case 3 timed out"
fi

if [ "$failures" -gt 0 ]; then say "$failures case(s) FAILED"; exit 1; fi
say "PASSED: every case stopped all agents and PostgreSQL servers"
