package io.raftgres.agent;

import io.raftgres.core.model.PendingChange;
import io.raftgres.pgcontrol.PgCtlPostgresControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Applies changed PostgreSQL parameters to the running server and keeps PostgreSQL's own list
 * of parameters waiting for a restart ({@code pg_settings.pending_restart}) with old and new
 * values, for this member's published record. Work runs on the agent's single PostgreSQL
 * executor, so it never overlaps a start, stop, clone or rewind. The pending list is refreshed
 * after every reload and at most every {@link #REFRESH_MILLIS} while PostgreSQL runs, so a
 * restart clears it within that time.
 */
final class ParameterReloader {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.parameters");
    static final long REFRESH_MILLIS = 5_000;
    /** pg_ctl reload only signals; the postmaster re-reads the files shortly after. */
    private static final long SETTLE_MILLIS = 300;

    private final ExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile Map<String, PendingChange> pending = Map.of();
    private volatile long lastCheckMillis = Long.MIN_VALUE / 2;

    ParameterReloader(ExecutorService executor) {
        this.executor = executor;
    }

    /** Parameters waiting for a restart, as last checked; never null. */
    Map<String, PendingChange> pending() {
        return pending;
    }

    /** Queues a reload of {@code control} (built with new {@code parameters}), then a pending check. */
    void reload(PgCtlPostgresControl control, Map<String, String> parameters) {
        submit(() -> {
            String outcome;
            try {
                outcome = control.reloadParameters();
            } catch (RuntimeException e) {
                outcome = "reload failed: " + e.getMessage();
            }
            LOG.info("PostgreSQL parameters changed by the dynamic configuration: {}", outcome);
            sleepQuietly(SETTLE_MILLIS);
            check(control, parameters);
        });
    }

    /** Queues a pending-restart check when the last one is older than {@link #REFRESH_MILLIS}. */
    void maybeRefresh(PgCtlPostgresControl control, Map<String, String> parameters, boolean running,
                      long nowMillis) {
        if (!running) {
            pending = Map.of();
            return;
        }
        if (nowMillis - lastCheckMillis >= REFRESH_MILLIS && queued.compareAndSet(false, true)) {
            lastCheckMillis = nowMillis;
            try {
                executor.execute(() -> {
                    queued.set(false);
                    check(control, parameters);
                });
            } catch (RejectedExecutionException e) {
                queued.set(false); // shutting down
            }
        }
    }

    private void check(PgCtlPostgresControl control, Map<String, String> parameters) {
        Map<String, PendingChange> next = new TreeMap<>();
        control.pendingRestart().forEach((name, now) -> next.put(name, new PendingChange(now, parameters.get(name))));
        if (!next.equals(pending)) {
            LOG.info("parameters waiting for a PostgreSQL restart: {}",
                    next.isEmpty() ? "none" : next.keySet());
        }
        pending = Map.copyOf(next);
    }

    private void submit(Runnable work) {
        try {
            executor.execute(work);
        } catch (RejectedExecutionException e) {
            LOG.debug("not reloading parameters: shutting down");
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
