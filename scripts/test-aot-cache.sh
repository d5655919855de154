#!/usr/bin/env bash
# The launcher's AOT cache choice (agent/src/dist/bin/raftgres), on copies of the packaged
# distribution: the cache the build made is used; other JVM flags, a changed jar, no cache, a
# corrupt cache and a cache made for another class path and flags under the matching name all
# start the JVM without it, exit 0 and print nothing but the one status line (`--aot-status`).
# Run by ./test.sh after `mvn verify`; alone: scripts/test-aot-cache.sh (needs the package step).
#
# Shown to fail: with the launcher's `-Xlog:aot*=off,cds*=off` removed, the corrupt-cache case
# fails (the JVM prints its [aot] errors on standard output); with the key check dropped (any
# raftgres-*.aot used), the "other flags" and "changed jar" cases fail.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/java-env.sh"
DIST="$ROOT/agent/target/raftgres-dist"
compgen -G "$DIST/aot/raftgres-*.aot" >/dev/null \
  || { echo "test-aot-cache: no AOT cache in $DIST/aot (package the agent without -Draftgres.aot.skip)" >&2; exit 1; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/raftgres-aot-test.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
failures=0

# check NAME DIST EXPECTED-PREFIX [env...]: `bin/raftgres --aot-status` exits 0, prints one line
# starting with EXPECTED-PREFIX on standard output and nothing on standard error.
check() {
  local name=$1 dist=$2 want=$3 out err rc=0; shift 3
  out="$(env JAVA="$JAVA" "$@" "$dist/bin/raftgres" --aot-status 2>"$WORK/err")" || rc=$?
  err="$(cat "$WORK/err")"
  if [ "$rc" = 0 ] && [ -z "$err" ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ "$out" == "$want"* ]]; then
    echo "ok   $name: $out"
  else
    echo "FAIL $name: exit $rc, stdout: [$out], stderr: [$err], expected a line starting with [$want]"
    failures=$((failures + 1))
  fi
}
copy() { cp -a "$DIST" "$WORK/$1"; echo "$WORK/$1"; }

check "the build's cache" "$DIST" "AOT cache in use: $DIST/aot/raftgres-"
check "other JVM flags" "$DIST" "the AOT cache in this distribution was made for another" \
  RAFTGRES_JAVA_OPTS="-Xmx64m -XX:+UseSerialGC"

d="$(copy moved)"
check "a copy of the distribution elsewhere (cp -a keeps the jars' times)" "$d" "AOT cache in use: $d/aot/raftgres-"

d="$(copy changed-jar)"
touch -d '2001-01-01' "$d/lib/raftgres-core-"*.jar
check "a changed jar" "$d" "the AOT cache in this distribution was made for another"

d="$(copy no-cache)"
rm -rf "$d/aot"
check "no cache" "$d" "no AOT cache in this distribution"

d="$(copy corrupt)"
for f in "$d"/aot/raftgres-*.aot; do head -c 4096 /dev/urandom > "$f"; done
check "a corrupt cache under the matching name" "$d" "the JVM did not map the AOT cache"

# A real cache, but made for a different class path and heap size, renamed to the matching key:
# the JVM validates it itself and must still start (whether it maps parts of it is its choice).
d="$(copy foreign)"
for f in "$d"/aot/raftgres-*.aot; do
  rm -f "$f"
  "$JAVA" -Xmx64m -XX:AOTCacheOutput="$f" -cp "$d/lib/raftgres-agent-"*.jar:"$d/lib/*" \
    io.raftgres.agent.Main --version >/dev/null 2>&1
done
check "a cache for another class path and flags under the matching name" "$d" ""

if [ "$failures" -gt 0 ]; then echo "test-aot-cache: $failures case(s) failed" >&2; exit 1; fi
echo "test-aot-cache: all cases passed"
