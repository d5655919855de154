#!/usr/bin/env bash
# Runs the container failover suite, preparing what it needs on a fresh machine of ours:
# the Docker engine (installed and started when root on Debian) and the local base image.
# Where no engine can be had, Maven still runs and reports every container test as skipped
# with the reason (never as passed).
#
# Usage: scripts/test-it.sh [--all] [EXTRA_MAVEN_ARGS...]
#   runs `mvn -f testcontainers-it/pom.xml verify EXTRA...`; with --all, `mvn verify EXTRA...`
#   at the repository root (the whole build, suite included once the module is listed there).
#   e.g. scripts/test-it.sh -q -Dit.test=InfrastructureSmokeIT
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$REPO"

skip_reason=""
prepare() {
  local rc=0 log
  log="$(mktemp)"
  "$@" 2> >(tee "$log" >&2) || rc=$?
  wait
  if (( rc == 3 )); then
    skip_reason="$(grep -E 'no Docker engine|cannot build' "$log" | tail -n 1)"
    skip_reason="${skip_reason:-$(tail -n 1 "$log")}"
  elif (( rc != 0 )); then
    rm -f "$log"
    echo "test-it: $* failed with exit $rc" >&2
    exit "$rc"
  fi
  rm -f "$log"
}

prepare "$REPO/scripts/ensure-docker.sh"
if [[ -z "$skip_reason" ]]; then
  prepare "$REPO/scripts/build-base-image.sh"
fi
if [[ -n "$skip_reason" ]]; then
  echo "test-it: container tests will be reported as skipped: $skip_reason" >&2
fi

target=(-f testcontainers-it/pom.xml verify)
if [[ "${1:-}" == "--all" ]]; then
  shift
  target=(verify)
fi
exec mvn "${target[@]}" "$@" "-Draftgres.it.skipReason=$skip_reason"
