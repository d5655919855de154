package io.raftgres.agent;

import io.raftgres.core.model.Activity;
import io.raftgres.core.model.Failures;
import io.raftgres.core.model.LocalPgState;

/**
 * The agent-side facts about local PostgreSQL that a probe cannot see: which background
 * operation is running, which one failed last and why, and since when PostgreSQL has been down
 * (for primary_start_timeout), and the failures in a row that drive the decider's back-off (a
 * failure is time-stamped by the next {@link #merge}, on the HA loop's clock). Also the "may be
 * writable" flag the lease guard fences on.
 *
 * <p>Thread-safe: the HA loop, the background executor and the lease guard all touch it.
 */
final class LocalTracker {

    private Activity activity = Activity.NONE;
    private Activity failedActivity = Activity.NONE;
    private String lastFailure;
    private long downSinceMillis = -1;
    private boolean mayBeWritable;
    private Failures failures = Failures.NONE;
    /** Failures not yet time-stamped: which operation and why. */
    private final java.util.List<java.util.Map.Entry<Activity, String>> unstamped = new java.util.ArrayList<>();

    synchronized void begin(Activity next) {
        activity = next;
        failedActivity = Activity.NONE;
        lastFailure = null;
    }

    synchronized void succeed() {
        failures = failures.succeeded(activity);
        activity = Activity.NONE;
    }

    synchronized void fail(Activity failed, String why) {
        activity = Activity.NONE;
        // A rewind whose source could not be reached never touched the data directory: it is
        // retried next cycle rather than treated as a failed rewind (which may wipe the data).
        boolean neverStarted = failed == Activity.REWINDING && why != null
                && (why.contains("could not connect") || why.contains("Connection refused")
                || why.contains("connection to server"));
        failedActivity = neverStarted ? Activity.NONE : failed;
        lastFailure = why;
        // Counted either way: an unreachable rewind source is retried, but not every cycle.
        unstamped.add(java.util.Map.entry(failed, why == null ? "" : why));
    }

    synchronized Activity activity() {
        return activity;
    }

    /**
     * Sticky until a stop succeeds or a probe shows a replica: a failed probe must not make
     * the guard believe a primary is gone.
     */
    synchronized void markMayBeWritable(boolean writable) {
        mayBeWritable = writable;
    }

    synchronized boolean mayBeWritable() {
        return mayBeWritable;
    }

    /**
     * The lease guard stopped PostgreSQL. Clears the flag unless an operation that can make
     * PostgreSQL writable (initdb, a start, a promotion) is still running: it may bring a server
     * up after that stop, on a decision taken while the lease was still valid, so the guard must
     * keep fencing until the operation is over.
     */
    synchronized void fenced() {
        if (activity != Activity.INITDB && activity != Activity.STARTING && activity != Activity.PROMOTING) {
            mayBeWritable = false;
        }
    }

    /** Merges a fresh probe with what only the agent knows. */
    synchronized LocalPgState merge(LocalPgState probe, long nowMillis) {
        if (probe.running()) {
            downSinceMillis = -1;
        } else if (downSinceMillis < 0) {
            downSinceMillis = nowMillis;
        }
        if (probe.isWritablePrimary()) {
            mayBeWritable = true;
        } else if (probe.isRunningReplica()) {
            mayBeWritable = false;
        }
        for (var failure : unstamped) {
            failures = failures.failed(failure.getKey(), nowMillis, failure.getValue());
        }
        unstamped.clear();
        return probe.withAgentFacts(activity, lastFailure, failedActivity, downSinceMillis).withFailures(failures);
    }
}
