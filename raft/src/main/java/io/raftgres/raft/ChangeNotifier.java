package io.raftgres.raft;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the node's change listeners on one dedicated thread, never inside Ratis callbacks.
 * Signals that arrive while a round is pending coalesce into that round, so a burst of
 * applied entries wakes the HA loop once. Also serves as the executor that completes
 * futures handed out by the node, so caller code never runs on a Ratis thread.
 *
 * <p>Thread-safe. {@link #signal()} and {@link #execute(Runnable)} never block (before close).
 */
final class ChangeNotifier implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeNotifier.class);

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService executor;

    ChangeNotifier(String member) {
        this.executor = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("raftgres-raft-events-" + member).factory());
    }

    void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /** Schedules one round of listener calls unless one is already pending. */
    void signal() {
        if (!executor.isShutdown() && pending.compareAndSet(false, true)) {
            try {
                executor.execute(this::runListeners);
            } catch (RejectedExecutionException e) {
                LOG.debug("node is closing; change listeners not called");
            }
        }
    }

    /** Runs {@code task} on the notifier thread; once closed, on the caller's thread so no future hangs. */
    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    private void runListeners() {
        pending.set(false);
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("change listener {} failed", listener, e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
    }
}
