# Sourced by the launchers: sets JAVA to a JDK 25+ java binary or exits saying what is missing.
# Order: $JAVA_HOME, Temurin 25 under /usr/lib/jvm, any JDK 25+ under /usr/lib/jvm, java on PATH.
# The major version: from the JDK's `release` file next to bin/ (instant), else by asking the JVM
# (a JVM start: 0.1-0.2 s, paid on every launch of ./raftgres before the agent's own JVM).
raftgres_java_major() {
  local rel v
  rel="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$rel" 2>/dev/null | head -1)
  if [ -n "$v" ]; then echo "$v"; return 0; fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}
raftgres_find_java() {
  local c v
  for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java "$(command -v java 2>/dev/null)"; do
    [ -x "$c" ] || continue
    v=$(raftgres_java_major "$c")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then JAVA="$c"; JAVA_HOME="$(dirname "$(dirname "$c")")"; export JAVA JAVA_HOME; return 0; fi
  done
  echo "raftgres needs Java 25 or newer and found none (looked at \$JAVA_HOME, /usr/lib/jvm/*, java on PATH)." >&2
  echo "Install a JDK 25 (for example Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
raftgres_find_java || exit 2
