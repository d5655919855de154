#!/usr/bin/env bash
# Builds (or reuses) the failover suite's node image and prints its tag on the last stdout line.
#
# The tag is raftgres/node:<hash of the inputs>: Dockerfile, this script, the base image id,
# the host JDK's release file and the distribution's files (path, mode, content). When an image
# with that tag exists nothing is built. Older raftgres/node tags (built by this script) are
# removed after a successful build.
#
# Exit: 0 built or reused; 3 no Docker engine / base image can be had (reason on stderr);
# other: the build itself failed (a defect to fix, not a reason to skip).
#
# Usage: build-node-image.sh [DIST_DIR]   (default: <repo>/agent/target/raftgres-dist)
# Env:   RAFTGRES_JDK (default /usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail

readonly NO_ENGINE=3
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
readonly HERE REPO
readonly DIST="${1:-$REPO/agent/target/raftgres-dist}"
readonly JDK="${RAFTGRES_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
readonly BASE_IMAGE="${RAFTGRES_BASE_IMAGE:-raftgres/debian:bookworm}"
readonly WORK="$REPO/testcontainers-it/target/node-image"
# Everything the agent may touch: the whole SE platform plus the JDK modules Netty, JFR and
# diagnostics use. Size matters less than never missing a module at run time.
readonly JLINK_MODULES="java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.management.jfr,jdk.jfr,jdk.jcmd,jdk.attach,jdk.naming.dns,jdk.zipfs,jdk.httpserver,jdk.localedata,jdk.charsets,jdk.net"

say() { echo "build-node-image: $*" >&2; }

timeout 20 docker info >/dev/null 2>&1 || { say "no Docker engine answers"; exit "$NO_ENGINE"; }
[[ -x "$JDK/bin/jlink" ]] || { say "no JDK 25 with jlink at $JDK (set RAFTGRES_JDK)"; exit 1; }

exec 9>/tmp/raftgres-node-image.lock
flock -w 600 9 || { say "timed out waiting for a concurrent image build"; exit 1; }

if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  "$REPO/scripts/build-base-image.sh" >&2 || exit $?
fi

# Stable listing of a tree: "mode sha256 relative/path" per file, symlinks followed. The host's
# AOT cache (aot/) is left out of the digest and the image: it is keyed to the host's JVM, never
# to the image's jlinked one, so agents in the image would ignore it anyway.
tree_digest() {
  (cd "$1" && find -L . -path ./aot -prune -o -type f -printf '%m %p\n' | LC_ALL=C sort -k2 | while read -r mode path; do
     printf '%s %s %s\n' "$mode" "$(sha256sum < "$path" | cut -c1-64)" "$path"
   done)
}

if [[ -x "$DIST/bin/raftgres" ]]; then
  dist_kind="agent"
  dist_digest="$(tree_digest "$DIST")"
else
  dist_kind="placeholder"
  dist_digest="placeholder $(sha256sum < "$HERE/placeholder-raftgres")"
fi
jdk_id="$(sha256sum < "$JDK/release" | cut -c1-64) $JLINK_MODULES"
inputs_hash="$( {
  sha256sum < "$HERE/Dockerfile"
  sha256sum < "${BASH_SOURCE[0]}"
  docker image inspect -f '{{.Id}}' "$BASE_IMAGE"
  echo "$jdk_id"
  echo "$dist_digest"
} | sha256sum | cut -c1-16)"
readonly TAG="raftgres/node:$inputs_hash"

if docker image inspect "$TAG" >/dev/null 2>&1; then
  say "reusing $TAG ($dist_kind distribution)"
  echo "$TAG"
  exit 0
fi

start=$SECONDS
mkdir -p "$WORK"
jre="$WORK/jre-$(echo "$jdk_id" | sha256sum | cut -c1-16)"
if [[ ! -x "$jre/bin/java" ]]; then
  say "jlink a Java runtime from $JDK"
  rm -rf "$jre" "$jre.tmp"
  "$JDK/bin/jlink" --add-modules "$JLINK_MODULES" --strip-debug --no-header-files --no-man-pages \
    --output "$jre.tmp" >&2
  mv "$jre.tmp" "$jre"
fi

ctx="$WORK/ctx"
rm -rf "$ctx"
mkdir -p "$ctx/dist/bin"
cp "$HERE/Dockerfile" "$ctx/"
cp -a "$jre" "$ctx/jre"
if [[ "$dist_kind" == agent ]]; then
  cp -aL "$DIST/." "$ctx/dist/"
  rm -rf "$ctx/dist/aot"
else
  say "agent distribution missing at $DIST: using the placeholder launcher"
  cp "$HERE/placeholder-raftgres" "$ctx/dist/bin/raftgres"
fi

say "docker build $TAG ($dist_kind distribution)"
docker build --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$TAG" "$ctx" >"$WORK/build.log" 2>&1 \
  || { tail -n 30 "$WORK/build.log" >&2; say "docker build failed (log $WORK/build.log)"; exit 1; }
rm -rf "$ctx"
say "built $TAG in $((SECONDS - start)) s"

for old in $(docker image ls raftgres/node --format '{{.Repository}}:{{.Tag}}'); do
  [[ "$old" == "$TAG" ]] && continue
  docker rmi "$old" >/dev/null 2>&1 || say "kept $old (still in use)"
done
echo "$TAG"
