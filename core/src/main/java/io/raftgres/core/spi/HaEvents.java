package io.raftgres.core.spi;

/**
 * Events the agent reports at the moment they happen, for counters that a snapshot cannot
 * reconstruct afterwards (a fence between two scrapes leaves no trace in the next snapshot).
 * Implementations must be cheap, thread-safe and never throw or block: they are called on the
 * HA loop, the lease guard and the PostgreSQL worker threads, on the fencing path too.
 */
public interface HaEvents {

    /** Why PostgreSQL was stopped immediately; the label value is {@link #label()}. */
    enum FenceReason {
        /** The lease guard found the lease gone while PostgreSQL might be writable. */
        LEASE_LOST,
        /** The lease guard itself failed with an Error and fenced before stopping the agent. */
        GUARD_FAILED,
        /** The HA loop's decision was an immediate stop (for example a stale or foreign primary). */
        HA_DECISION;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One HA cycle (gather, decide, execute) ended after {@code durationNanos}. */
    void cycleCompleted(long durationNanos);

    /** This member stopped its PostgreSQL immediately for {@code reason}. */
    void fenced(FenceReason reason);

    /** This member promoted its replica to primary (a failover or a switchover onto it). */
    void promoted();

    /** Reports nothing: for tests and tools that run parts of the agent without metrics. */
    HaEvents NONE = new HaEvents() {
        @Override public void cycleCompleted(long durationNanos) { }
        @Override public void fenced(FenceReason reason) { }
        @Override public void promoted() { }
    };
}
