package io.raftgres.ha;

import io.raftgres.core.decide.RetryPolicy;

import io.raftgres.core.model.Activity;
import io.raftgres.core.model.Failures;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.TimelineOrigin;

/**
 * The agent-side facts about local PostgreSQL that a probe cannot see: which background
 * operation is running, which one failed last and why, and since when PostgreSQL has been down
 * (for primary_start_timeout), and the failures in a row that drive the decider's back-off (a
 * failure is time-stamped by the next {@link #merge}, on the HA loop's clock). Also the "may be
 * writable" flag the lease guard fences on.
 *
 * <p>Thread-safe: the HA loop, the background executor and the lease guard all touch it.
 */
public final class LocalTracker {

    private final java.util.function.BooleanSupplier watchdogUnusable;
    /** Held across an immediate stop: the HA loop and the lease guard never stop concurrently. */
    private final Object fenceLock = new Object();

    private Activity activity = Activity.NONE;
    private Activity failedActivity = Activity.NONE;
    private String lastFailure;
    private long downSinceMillis = -1;
    private boolean mayBeWritable;
    private Failures failures = Failures.NONE;
    /** Failures not yet time-stamped: which operation and why. */
    private final java.util.List<java.util.Map.Entry<Activity, String>> unstamped = new java.util.ArrayList<>();

    private final OriginMarker origin;

    public LocalTracker() {
        this(() -> false);
    }

    /** @param watchdogUnusable the watchdog is required but cannot be armed now (merged into each probe) */
    public LocalTracker(java.util.function.BooleanSupplier watchdogUnusable) {
        this(watchdogUnusable, OriginMarker.inMemory());
    }

    /** @param origin where the origin of the data directory's timeline is kept (merged into each probe) */
    public LocalTracker(java.util.function.BooleanSupplier watchdogUnusable, OriginMarker origin) {
        this.watchdogUnusable = watchdogUnusable;
        this.origin = origin;
    }

    /** This member made (or recorded) its data directory's current timeline: keep who and in which term. */
    public void timelineMadeBy(TimelineOrigin made) {
        origin.write(made);
    }

    /** The data directory was created, copied or rewound from elsewhere: its timeline's origin is unknown. */
    public void dataReplaced() {
        origin.write(null);
    }

    public synchronized void begin(Activity next) {
        activity = next;
        failedActivity = Activity.NONE;
        lastFailure = null;
    }

    public synchronized void succeed() {
        failures = failures.succeeded(activity);
        activity = Activity.NONE;
    }

    public synchronized void fail(Activity failed, String why) {
        activity = Activity.NONE;
        // A rewind whose source was unavailable never touched the data directory: it is retried
        // with the back-off rather than treated as a failed rewind (which stays stopped or wipes the data).
        boolean neverStarted = failed == Activity.REWINDING && RetryPolicy.rewindSourceUnavailable(why);
        failedActivity = neverStarted ? Activity.NONE : failed;
        lastFailure = why;
        // Counted either way: an unreachable rewind source is retried, but not every cycle.
        unstamped.add(java.util.Map.entry(failed, why == null ? "" : why));
    }

    public synchronized Activity activity() {
        return activity;
    }

    /**
     * Sticky until a stop succeeds or a probe shows a replica: a failed probe must not make
     * the guard believe a primary is gone.
     */
    public synchronized void markMayBeWritable(boolean writable) {
        mayBeWritable = writable;
    }

    public synchronized boolean mayBeWritable() {
        return mayBeWritable;
    }

    /**
     * The one way to stop PostgreSQL immediately, for the HA loop's fence decision and the lease
     * guard alike: runs {@code stop} under a lock of its own (so the two never stop concurrently,
     * and a second stop waits for the first and then finds PostgreSQL down), then records the
     * fence with {@link #fenced()}. Not under the tracker's monitor: a slow stop must not block
     * probes. Throws what {@code stop} throws, and then records nothing.
     */
    void fence(Runnable stop) {
        synchronized (fenceLock) {
            stop.run();
            fenced();
        }
    }

    /**
     * The lease guard stopped PostgreSQL. Clears the flag unless an operation that can make
     * PostgreSQL writable (initdb, a start, a promotion) is still running: it may bring a server
     * up after that stop, on a decision taken while the lease was still valid, so the guard must
     * keep fencing until the operation is over.
     */
    public synchronized void fenced() {
        if (activity != Activity.INITDB && activity != Activity.STARTING && activity != Activity.PROMOTING) {
            mayBeWritable = false;
        }
    }

    /**
     * Runs {@code action} (disarming the watchdog) only if PostgreSQL cannot be writable here:
     * the flag is clear and no initdb, start or promotion is under way. Atomic with
     * {@link #begin} and {@link #markMayBeWritable}, so an operation that may make PostgreSQL
     * writable is either seen here or starts after the action. Returns whether it ran.
     */
    synchronized boolean ifCannotBeWritable(Runnable action) {
        if (mayBeWritable || activity == Activity.INITDB || activity == Activity.STARTING
                || activity == Activity.PROMOTING) {
            return false;
        }
        action.run();
        return true;
    }

    /** Merges a fresh probe with what only the agent knows. */
    public synchronized LocalPgState merge(LocalPgState probe, long nowMillis) {
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
        return probe.withAgentFacts(activity, lastFailure, failedActivity, downSinceMillis).withFailures(failures)
                .withWatchdogUnusable(watchdogUnusable.getAsBoolean()).withTimelineOrigin(origin.read());
    }
}
