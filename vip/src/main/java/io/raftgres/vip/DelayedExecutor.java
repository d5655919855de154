package io.raftgres.vip;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once, after a delay, on a thread other than the caller's. The seam through which
 * {@link ArpAnnouncer} paces its announcements, so tests can run them step by step.
 *
 * <p>Implementations must not run the task on the calling thread: the caller is the HA loop,
 * which must not wait for announcements.
 */
@FunctionalInterface
public interface DelayedExecutor {

    void execute(Runnable task, Duration delay);

    /**
     * Each task on a new virtual thread once its delay has passed. Tasks may overlap, which
     * announcements need: one {@code arping} run lasts about a second, longer than their spacing.
     * Holds no threads of its own, so there is nothing to shut down.
     */
    static DelayedExecutor virtualThreads(String threadName) {
        Executor startThread = task -> Thread.ofVirtual().name(threadName).start(task);
        return (task, delay) -> CompletableFuture
                .delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, startThread)
                .execute(task);
    }
}
