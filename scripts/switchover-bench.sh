#!/usr/bin/env bash
# Switchover benchmark: three agents and three PostgreSQL on loopback (free ports, a temporary
# directory), a client inserting every 10 ms, five planned switchovers in a row; prints per round
# and as median/max the seconds without an acknowledged write (SwitchoverBenchmark in the agent
# module's tests). Needs the Maven reactor of this checkout (dependencies in ~/.m2).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/java-env.sh"
cd "$ROOT"
mvn -B -o -pl agent -am test -Dtest=SwitchoverBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dswitchover.bench=true 2>&1 | sed -n '/^round /,/^POST \/switchover took/p'
