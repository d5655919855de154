package io.raftgres.ha;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where the HA shell runs its work: now ({@link #execute}) or after a delay ({@link #schedule}).
 * The agent passes single-threaded executors (one per role: loop, lease guard, PostgreSQL
 * operations); the simulation passes its seeded event scheduler, so the same code runs in
 * simulated time, one event at a time.
 *
 * <p>Contract: tasks given to one scheduler never run concurrently with each other; a task
 * submitted after {@link ScheduledExecutorService#shutdown()} is dropped silently (the agent is
 * stopping).
 */
public interface Scheduler extends Executor {

    /** A scheduled task that has not run yet can be cancelled; cancelling a finished one does nothing. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Runs {@code task} once, {@code delayMillis} from now. */
    Cancellable schedule(long delayMillis, Runnable task);

    /** A scheduler over a JDK executor that runs its tasks one at a time. */
    static Scheduler of(ScheduledExecutorService executor) {
        return new Scheduler() {
            @Override
            public Cancellable schedule(long delayMillis, Runnable task) {
                try {
                    ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
                    return () -> f.cancel(false);
                } catch (RejectedExecutionException e) {
                    return () -> { };
                }
            }

            @Override
            public void execute(Runnable task) {
                try {
                    executor.execute(task);
                } catch (RejectedExecutionException e) {
                    // shutting down
                }
            }
        };
    }
}
