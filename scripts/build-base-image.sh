#!/usr/bin/env bash
# Builds the local Debian base image raftgres/debian:bookworm (there is no registry to pull from).
#
# Contract (idempotent): exit 0 when the image exists and `docker run --rm IMAGE true` works;
# exit 3 when it cannot be had here (no engine, not root, debootstrap fails), reason on stderr.
# The Debian mirror is read from this host's apt sources at run time; when none is found,
# debootstrap's own default is used. Nothing is written outside a temporary directory.
#
# Usage: scripts/build-base-image.sh        Env: RAFTGRES_BASE_IMAGE (default raftgres/debian:bookworm)
set -euo pipefail

readonly NO_IMAGE=3
readonly IMAGE="${RAFTGRES_BASE_IMAGE:-raftgres/debian:bookworm}"
readonly SUITE=bookworm

say() { echo "build-base-image: $*" >&2; }
fail() { say "cannot build $IMAGE: $*"; exit "$NO_IMAGE"; }

timeout 20 docker info >/dev/null 2>&1 || fail "no Docker engine answers (run scripts/ensure-docker.sh first)"

verify() {
  timeout 60 docker run --rm --network none "$IMAGE" true || fail "docker run --rm $IMAGE true failed"
  say "$IMAGE is ready"
}

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  verify
  exit 0
fi

[[ "$(id -u)" == 0 ]] || fail "debootstrap needs root"
if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing debootstrap"
  if ! apt-cache show debootstrap >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || fail "apt-get update failed"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null || fail "apt-get install debootstrap failed"
fi

# The first Debian main-archive URI configured on this host (deb822 or one-line format),
# skipping the security archive, which does not carry the base suite.
host_mirror() {
  local files=()
  [[ -r /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -r "$f" ]] && files+=("$f")
  done
  (( ${#files[@]} )) || return 0
  grep -hE '^(URIs:|deb )' "${files[@]}" \
    | sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' \
    | awk '{print $1}' | grep -E '/debian/?$' | grep -v security | head -n 1
}

MIRROR="$(host_mirror || true)"
ROOTFS="$(mktemp -d /tmp/raftgres-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
start=$SECONDS
say "debootstrap --variant=minbase $SUITE ${MIRROR:-(debootstrap default mirror)}"
debootstrap --variant=minbase "$SUITE" "$ROOTFS" ${MIRROR:+"$MIRROR"} > "$ROOTFS.log" 2>&1 \
  || { tail -n 20 "$ROOTFS.log" >&2; fail "debootstrap failed (log $ROOTFS.log)"; }
say "debootstrap took $((SECONDS - start)) s"
# Keep the image small and free of host-specific caches.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
tar -C "$ROOTFS" -c . | docker import -c 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null \
  || fail "docker import failed"
rm -f "$ROOTFS.log"
say "imported $IMAGE after $((SECONDS - start)) s"
verify
