package io.raftgres.agent;

/**
 * The one start-up line about the JDK's AOT cache. The launcher ({@code bin/raftgres}) passes what
 * it chose in the system property {@code raftgres.aot}: the cache file it gave the JVM, {@code stale}
 * when the distribution holds a cache made for another JVM, other flags or other jars, or
 * {@code none}. The JVM itself says in {@code java.vm.info} whether it maps a shared archive; a
 * cache the launcher chose but the JVM refused leaves no "sharing" there.
 */
final class AotCacheNote {
    static final String PROPERTY = "raftgres.aot";

    private AotCacheNote() {
    }

    /** The line to log, or null when the agent was not started by the distribution's launcher. */
    static String describe(String chosen, String vmInfo) {
        if (chosen == null) {
            return null;
        }
        return switch (chosen) {
            case "none" -> "no AOT cache in this distribution (bin/raftgres --aot-train makes one): classes load "
                    + "from the jars, which takes about twice the CPU at start";
            case "stale" -> "the AOT cache in this distribution was made for another JVM, other JVM flags or other "
                    + "jars: starting without it (bin/raftgres --aot-train makes a fitting one)";
            default -> vmInfo != null && vmInfo.contains("sharing")
                    ? "AOT cache in use: " + chosen
                    : "the JVM did not map the AOT cache " + chosen + ": starting without it "
                    + "(bin/raftgres --aot-train makes a fitting one)";
        };
    }
}
