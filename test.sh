#!/usr/bin/env bash
# test.sh: runs the whole raftgres test suite on one of our machines, installing and starting
# what it needs: JDK 25 selection, PostgreSQL 15 server binaries, the Docker engine and the
# locally built base image for the container suite. Unit, simulation, Ratis, real-PostgreSQL and
# Testcontainers tests all run under `mvn verify`. Without a Docker engine the container suite
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

docker_note=""
if scripts/ensure-docker.sh; then
  scripts/build-base-image.sh || docker_note="base image unavailable: container suite skipped"
else
  rc=$?
  [ "$rc" = 3 ] || exit "$rc"
  docker_note="no Docker engine: container suite skipped"
fi
[ -z "$docker_note" ] || echo "test.sh: $docker_note"

export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
mvn -B -ntp verify "$@"
[ -z "$docker_note" ] || echo "test.sh: NOTE: $docker_note"
