#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`, installing and starting one when we may.
#
# Contract (idempotent, safe to run many times and from several shells):
#   exit 0  the engine answers (it was already running, or we started it);
#   exit 3  no engine can be had here; the reason is printed on stderr. Callers treat this as
#           "skip the container suite with this reason", never as success;
#   other   an unexpected failure of this script itself.
# It only starts a daemon; it never stops, removes or changes containers, networks or images.
#
# Usage: scripts/ensure-docker.sh [DOCKERD_LOG]   (default /tmp/raftgres-dockerd.log)
# Env:   RAFTGRES_DOCKER_WAIT_S  seconds to wait for the daemon to answer (default 60).
set -euo pipefail

readonly NO_ENGINE=3
readonly LOG="${1:-/tmp/raftgres-dockerd.log}"
readonly WAIT_S="${RAFTGRES_DOCKER_WAIT_S:-60}"
readonly LOCK=/tmp/raftgres-ensure-docker.lock

say() { echo "ensure-docker: $*" >&2; }
no_engine() { say "no Docker engine: $*"; exit "$NO_ENGINE"; }
engine_answers() { command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1; }

if engine_answers; then
  say "engine already answers"
  exit 0
fi

[[ "$(id -u)" == 0 ]] || no_engine "the engine is not running and we are not root, so we cannot start one"
[[ -r /etc/debian_version ]] || no_engine "the engine is not running and this is not Debian, so we do not install one"
command -v apt-get >/dev/null 2>&1 || no_engine "apt-get is missing"

# Serialise concurrent callers: the second one waits and then finds the engine running.
exec 9>"$LOCK"
flock -w 300 9 || no_engine "timed out waiting for another ensure-docker.sh run"
if engine_answers; then
  say "engine answers (started by a concurrent run)"
  exit 0
fi

apt_install() {
  # Refresh the package lists only when the package is unknown to apt (fresh machine).
  if ! apt-cache show "$@" >/dev/null 2>&1; then
    say "apt-get update (package lists lack: $*)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || no_engine "apt-get update failed"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || no_engine "apt-get install $* failed"
}

dockerd_bin() { PATH="$PATH:/usr/sbin:/sbin" command -v dockerd 2>/dev/null || true; }

if [[ -z "$(dockerd_bin)" ]]; then
  say "installing docker.io (dockerd is missing)"
  # docker.io recommends cgroupfs-mount etc.; iptables is needed for bridge networks.
  apt_install docker.io iptables
fi
DOCKERD="$(dockerd_bin)"
[[ -n "$DOCKERD" ]] || no_engine "dockerd is still missing after installing docker.io"
command -v docker >/dev/null 2>&1 || no_engine "the docker client is missing"

if [[ -S /var/run/docker.sock ]] && pgrep -x dockerd >/dev/null 2>&1; then
  say "a dockerd is running but does not answer yet; waiting for it"
else
  say "starting $DOCKERD, log in $LOG"
  # setsid: the daemon must outlive this script and the build that called it.
  # 9>&-: the daemon must not inherit (and so hold forever) the lock taken above.
  setsid "$DOCKERD" >"$LOG" 2>&1 < /dev/null 9>&- &
  echo $! > /tmp/raftgres-dockerd.pid
fi

deadline=$((SECONDS + WAIT_S))
while (( SECONDS < deadline )); do
  if engine_answers; then
    say "engine answers ($SECONDS s after this script started)"
    exit 0
  fi
  sleep 1
done
say "last lines of $LOG:"
tail -n 20 "$LOG" >&2 || true
no_engine "dockerd did not answer within ${WAIT_S} s"
