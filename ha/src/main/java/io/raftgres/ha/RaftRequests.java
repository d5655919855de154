package io.raftgres.ha;

import io.raftgres.core.model.MemberRecord;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the {@link ActionExecutor} asks of the Raft group: commands, whose commit a decision waits
 * for at most {@link #RAFT_WAIT}, and leadership transfers, at most one at a time. Either answer
 * wakes the HA loop, so the next cycle sees the change without waiting for its period.
 *
 * <p>Threading: call on the HA loop's scheduler. A command's outcome completes on it (the store
 * answers on its own threads, and the answer is passed back through the scheduler); a transfer's end
 * only clears its in-flight flag and wakes the loop, from whatever thread the store answers on.
 */
final class RaftRequests {
    /** The executor's lines, as before this class was split off: operators read one source. */
    private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);
    /** How long a decision waits for a Raft command's commit before it ends. */
    static final Duration RAFT_WAIT = Duration.ofSeconds(3);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(5);

    private final ClusterStore store;
    private final Scheduler loop;
    private final Runnable wake;
    private final AtomicBoolean transferInFlight = new AtomicBoolean();

    RaftRequests(ClusterStore store, Scheduler loop, Runnable wake) {
        this.store = store;
        this.loop = loop;
        this.wake = wake;
    }

    /**
     * Submits {@code command}; completes on the loop's scheduler with whether it was accepted, or
     * with false when no answer came within {@link #RAFT_WAIT} (the bound the blocking wait had).
     */
    CompletionStage<Boolean> submit(Command command) {
        String what = command.getClass().getSimpleName();
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        Scheduler.Cancellable timeout = loop.schedule(RAFT_WAIT.toMillis(), () -> {
            if (outcome.complete(false)) {
                LOG.warn("{} could not be committed: no answer within {} ms", what, RAFT_WAIT.toMillis());
            }
        });
        CompletableFuture<ApplyResult> answer;
        try {
            answer = store.submit(command);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((result, error) -> loop.execute(() -> {
            if (outcome.isDone()) {
                return;
            }
            timeout.cancel();
            if (error != null) {
                LOG.warn("{} could not be committed: {}", what, ActionExecutor.rootMessage(error));
                outcome.complete(false);
                return;
            }
            if (!result.accepted()) {
                LOG.warn("{} was rejected: {}", what, result.rejection());
            }
            wake.run();
            outcome.complete(result.accepted());
        }));
        return outcome;
    }

    /**
     * Starts handing Raft leadership to {@code member} unless a transfer is under way already;
     * false (the decision ends) when the member has no record to find its Raft address in.
     */
    boolean transferLeadership(String member) {
        MemberRecord target = store.state().members().get(member);
        if (target == null) {
            LOG.warn("cannot hand Raft leadership to {}: no member record", member);
            return false;
        }
        // the decision repeats every cycle while a transfer runs: one transfer at a time, one line per failure
        if (!transferInFlight.compareAndSet(false, true)) {
            return true;
        }
        store.transferLeadership(target.raftAddress(), TRANSFER_TIMEOUT).whenComplete((ok, error) -> {
            transferInFlight.set(false);
            if (error != null) {
                LOG.warn("handing Raft leadership to {} failed: {}", member, error.getMessage());
            }
            wake.run();
        });
        return true;
    }
}
