package io.raftgres.ha;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.OperatorRequest;
import io.raftgres.core.model.OperatorRequest.Kind;
import io.raftgres.core.model.OperatorRequest.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * The operator's restart or reinitialize on this member, at most one at a time. The REST thread
 * only {@link #submit}s; the HA loop calls {@link #advance} at the start of each cycle, which moves
 * the request to its next step once the local observation shows the current one done (PostgreSQL
 * stopped, data directory gone, clone present, PostgreSQL running) and ends it when a step's
 * background job failed. The decider turns the step into actions; nothing here touches
 * PostgreSQL. Thread-safe.
 */
public final class OperatorRequests {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.ha");

    /** How a request ended: {@code ok} with Patroni's message, or the reason it failed. */
    public record Outcome(boolean ok, String message) { }

    private OperatorRequest current;
    private CompletableFuture<Outcome> done;
    private int failuresAtStep;
    private final Runnable wake;

    /** @param wake asks the HA loop for a cycle soon (a new request should not wait for loop_wait) */
    public OperatorRequests(Runnable wake) {
        this.wake = wake;
    }

    /**
     * Records a new request; its future completes when it is done or failed. Null when another
     * request is in progress and {@code replace} is false; with {@code replace} (Patroni's
     * {@code force}) the one in progress ends as superseded (a background job it started still
     * runs to its end: the HA loop waits for it before the next step).
     */
    public synchronized CompletableFuture<Outcome> submit(Kind kind, boolean replace) {
        if (current != null && !replace) {
            return null;
        }
        if (current != null) {
            done.complete(new Outcome(false, current.label() + " superseded by a forced " + label(kind)));
        }
        current = new OperatorRequest(kind, Step.STOP);
        done = new CompletableFuture<>();
        failuresAtStep = -1;
        LOG.info("{} requested by an operator", label(kind));
        wake.run();
        return done;
    }

    /** The request in progress (its label), else null. */
    public synchronized String inProgress() {
        return current == null ? null : current.label();
    }

    /** Moves the request on from what the cycle observed; returns what the decider should carry out, or null. */
    public synchronized OperatorRequest advance(LocalPgState local) {
        while (current != null && !local.activity().isBusy()) {
            int failures = local.failures().count(current.step().activity());
            if (failuresAtStep < 0) {
                failuresAtStep = failures;
            } else if (failures > failuresAtStep) {
                finish(false, current.label() + " failed: " + local.lastFailure());
                break;
            }
            if (!stepDone(current.step(), local)) {
                break;
            }
            Step next = current.after(current.step());
            if (next == null) {
                finish(true, current.kind() == Kind.RESTART ? "restarted successfully" : "reinitialized successfully");
                break;
            }
            current = new OperatorRequest(current.kind(), next);
            failuresAtStep = -1;
        }
        return current;
    }

    private static boolean stepDone(Step step, LocalPgState local) {
        return switch (step) {
            case STOP -> !local.running();
            case REMOVE -> !local.hasDataDirectory();
            case CLONE -> local.hasDataDirectory();
            case START -> local.running();
        };
    }

    private void finish(boolean ok, String message) {
        if (ok) {
            LOG.info("{}", message);
        } else {
            LOG.warn("{}", message);
        }
        done.complete(new Outcome(ok, message));
        current = null;
        done = null;
    }

    private static String label(Kind kind) {
        return new OperatorRequest(kind, Step.STOP).label();
    }
}
