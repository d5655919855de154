package io.raftgres.ha;

import io.raftgres.core.model.Activity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long PostgreSQL operation of the {@link ActionExecutor} (initdb, clone, start, promotion,
 * rewind, stop, removal), in two phases: {@link #begin()} re-checks what must still hold when the
 * operation starts (the decision may be stale by then) and sets the "may be writable" flag before
 * anything can make PostgreSQL writable; {@link #finish()} runs the operation itself and records
 * its outcome in the {@link LocalTracker}. Either phase wakes the HA loop when the operation ends.
 *
 * <p>The agent runs both phases back to back on its PostgreSQL thread ({@link PgOperations#on});
 * the simulation runs {@link #begin()} at once and {@link #finish()} after the operation's
 * simulated duration, so a fence between the two meets the same state as in the agent.
 */
public final class PgOperation {
    private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);

    private final Activity activity;
    private final Runnable check;
    private final Runnable work;
    private final LocalTracker tracker;
    private final Clock clock;
    private final Runnable wake;
    private long startedMillis;

    PgOperation(Activity activity, Runnable check, Runnable work, LocalTracker tracker, Clock clock, Runnable wake) {
        this.activity = activity;
        this.check = check;
        this.work = work;
        this.tracker = tracker;
        this.clock = clock;
        this.wake = wake;
    }

    public Activity activity() {
        return activity;
    }

    /** Runs the check; false (the failure recorded, the loop woken) when the operation must not run. */
    public boolean begin() {
        startedMillis = clock.monotonicMillis();
        try {
            check.run();
            return true;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /** Runs the operation and records its outcome; call only after {@link #begin()} returned true. */
    public void finish() {
        try {
            work.run();
            tracker.succeed();
            LOG.info("{} finished in {} ms", name(), clock.monotonicMillis() - startedMillis);
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        wake.run();
    }

    private void failed(RuntimeException e) {
        tracker.fail(activity, ActionExecutor.rootMessage(e));
        LOG.warn("{} failed: {}", name(), ActionExecutor.rootMessage(e));
        wake.run();
    }

    private String name() {
        return activity.name().toLowerCase(java.util.Locale.ROOT);
    }
}
