package io.raftgres.core.decide;

import io.raftgres.core.model.Activity;
import io.raftgres.core.model.Failures;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.spi.StopMode;

import java.util.List;

/**
 * How often a failed PostgreSQL operation is tried again, and when a bootstrap is given up. Pure.
 *
 * <ul>
 *   <li>Back-off: after the n-th failure in a row of an operation (initdb, clone, start, promote,
 *       pg_rewind, fast stop, data directory removal) a decision that would run it again waits
 *       {@link #delayMillis(int)}: 1 s, 2 s, 4 s, ... capped at {@value #MAX_DELAY_MILLIS} ms. Other
 *       decisions (fencing, a handoff, a different operation) are not delayed: the back-off only stops
 *       the same failure from repeating every cycle. The immediate stop (the fence) is never delayed,
 *       a crashed primary's restart in place waits at most primary_start_timeout / 5, and a rewind
 *       whose source was unavailable at most {@value #UNAVAILABLE_SOURCE_MAX_DELAY_MILLIS} ms.</li>
 *   <li>Bootstrap: after {@value #BOOTSTRAP_ATTEMPTS} failed attempts in a row a member gives up
 *       initializing the cluster until its agent restarts (after the operator fixed the cause): it
 *       releases the initialize claim, publishes that it can no longer bootstrap (so no leader hands it
 *       Raft leadership for that), hands leadership to a member that still can, or waits.</li>
 * </ul>
 */
public final class RetryPolicy {

    public static final long FIRST_DELAY_MILLIS = 1_000;
    public static final long MAX_DELAY_MILLIS = 30_000;
    public static final int BOOTSTRAP_ATTEMPTS = 3;
    /** The back-off of a rewind whose source was unavailable is capped here (see {@link #backOff}). */
    public static final long UNAVAILABLE_SOURCE_MAX_DELAY_MILLIS = 4_000;

    private RetryPolicy() {
    }

    /** Wait before trying again after {@code failures} failures in a row (0 for none). */
    public static long delayMillis(int failures) {
        if (failures <= 0) {
            return 0;
        }
        int doublings = Math.min(failures - 1, 20);
        return Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << doublings);
    }

    /**
     * The phrase a failed rewind's message carries when it failed before pg_rewind changed the data
     * directory because its source could not be used (unreachable, starting up, shutting down, in
     * recovery, connection timed out): typically the new primary being restarted or fenced while
     * a former primary rejoins. Such a rewind is retried with the back-off, never taken as final.
     */
    public static final String REWIND_SOURCE_UNAVAILABLE = "rewind source unavailable";

    /** Whether a rewind failure's message says its source was unavailable (see {@link #REWIND_SOURCE_UNAVAILABLE}). */
    public static boolean rewindSourceUnavailable(String failure) {
        return failure != null && failure.contains(REWIND_SOURCE_UNAVAILABLE);
    }

    /** Whether this member has given up bootstrapping (until its agent restarts). */
    public static boolean bootstrapGivenUp(Failures failures) {
        return failures.count(Activity.INITDB) >= BOOTSTRAP_ATTEMPTS;
    }

    /**
     * {@code decision}, or a wait when it would run the operation that failed last before that
     * operation's back-off has passed. A crashed primary's restart in place waits at most a fifth of
     * {@code primaryStartTimeoutMillis}, so it gets about five tries before the failover that timeout
     * triggers (a start right after a crash fails for a second or two, until the killed server's
     * processes are gone).
     */
    static Decision backOff(Decision decision, LocalPgState local, long nowMillis, long primaryStartTimeoutMillis) {
        Failures failures = local.failures();
        Activity failed = failures.last();
        if (failed == Activity.NONE || decision.actions().stream().noneMatch(a -> activityOf(a) == failed)) {
            return decision;
        }
        int count = failures.count(failed);
        long delay = delayMillis(count);
        if (decision.reason() == Reason.RESTART_PRIMARY) {
            delay = Math.min(delay, Math.max(FIRST_DELAY_MILLIS, primaryStartTimeoutMillis / 5));
        }
        if (failed == Activity.REWINDING && rewindSourceUnavailable(failures.lastReason())) {
            // Nothing was touched and a try costs one connection: once the new primary is up, the
            // member rejoins within seconds instead of up to MAX_DELAY_MILLIS later.
            delay = Math.min(delay, UNAVAILABLE_SOURCE_MAX_DELAY_MILLIS);
        }
        long remaining = failures.lastAtMillis() + delay - nowMillis;
        if (remaining <= 0) {
            return decision;
        }
        return new Decision(List.of(), Reason.BACKOFF, "no action: " + HaDecider.describe(failed) + " failed "
                + count + (count == 1 ? " time" : " times in a row") + " (" + failures.lastReason()
                + "); trying again in " + (remaining + 999) / 1000 + " s", remaining);
    }

    /** The background operation an action runs, NONE for quick ones and for the fence. */
    static Activity activityOf(HaAction action) {
        return switch (action) {
            case HaAction.Bootstrap a -> Activity.INITDB;
            case HaAction.Clone a -> Activity.CLONING;
            case HaAction.StartPrimary a -> Activity.STARTING;
            case HaAction.Follow a -> Activity.STARTING;
            case HaAction.Promote a -> Activity.PROMOTING;
            case HaAction.Rewind a -> Activity.REWINDING;
            case HaAction.RemoveDataDirectory a -> Activity.REMOVING_DATA;
            case HaAction.Stop a -> a.mode() == StopMode.FAST ? Activity.STOPPING : Activity.NONE;
            default -> Activity.NONE;
        };
    }
}
