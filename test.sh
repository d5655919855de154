#!/usr/bin/env bash
# test.sh: runs the whole raftgres test suite on one of our machines, installing and starting
# what it needs: JDK 25 selection, PostgreSQL 15 server binaries, the Docker engine and the
# locally built base image for the container suite. Unit, simulation, Ratis, real-PostgreSQL and
# Testcontainers tests all run under `mvn verify`; then the demo is driven through a terminal
# (scripts/test-demo-stop.sh). Without a Docker engine the container suite
# is reported as skipped with the reason, never as passed.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
cd "$ROOT"
. scripts/java-env.sh
echo "test.sh: using $JAVA ($("$JAVA" -version 2>&1 | head -1))"

if [ ! -x /usr/lib/postgresql/15/bin/pg_ctl ] && ! command -v pg_config >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing PostgreSQL 15 server binaries"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  else
    echo "test.sh: PostgreSQL 15 server binaries are missing and cannot be installed here" >&2; exit 2
  fi
fi

# promtool (Debian package prometheus) checks /metrics; without it those tests report SKIPPED with the reason.
if ! command -v promtool >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing promtool (package prometheus)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "test.sh: promtool is missing and cannot be installed here; the metrics format checks will be SKIPPED"
  fi
fi

skip_reason=""
prepare() {  # runs a preparation script; its exit 3 means "no engine/image here": skip with the reason
  local rc=0 log; log=$(mktemp)
  "$@" 2> >(tee "$log" >&2) || rc=$?
  wait
  if [ "$rc" = 3 ]; then skip_reason=$(grep -E 'no Docker engine|cannot build' "$log" | tail -n 1); skip_reason=${skip_reason:-$(tail -n 1 "$log")}
  elif [ "$rc" != 0 ]; then rm -f "$log"; echo "test.sh: $* failed with exit $rc" >&2; exit "$rc"; fi
  rm -f "$log"
}
prepare scripts/ensure-docker.sh
[ -n "$skip_reason" ] || prepare scripts/build-base-image.sh
[ -z "$skip_reason" ] || echo "test.sh: the container suite will be reported as SKIPPED: $skip_reason"

export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
# The container suite runs after the agent module has packaged the distribution it puts in the image;
# requireAgent makes a missing distribution a failure instead of a skip.
mvn -B -ntp verify -Draftgres.it.requireAgent=true "-Draftgres.it.skipReason=$skip_reason" "$@"
# The launcher's AOT cache choice on copies of the distribution mvn verify just packaged.
scripts/test-aot-cache.sh
# The demo through a real terminal (tmux): Ctrl-C and giving up stop every agent and PostgreSQL.
# Runs the distribution mvn verify just packaged; holds /tmp/raftgres-demo.lock (fixed ports).
scripts/test-demo-stop.sh
[ -z "$skip_reason" ] || echo "test.sh: NOTE: the container suite was skipped: $skip_reason"
