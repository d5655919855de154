package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.RaftView;
import io.raftgres.ha.ClusterStore;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * One member's view of the {@link SimulatedRaft} group through the agent's {@link ClusterStore}
 * port, so the production HA classes run against simulated Raft. A submission completes when the
 * group answers, or exceptionally after {@link #SUBMIT_TIMEOUT_MILLIS} (the Ratis client's retries
 * giving up); a refusal before the append also completes it exceptionally, as a Ratis
 * {@code NotLeaderException} would.
 *
 * <p>Threading: single-threaded; futures complete inside scheduler events.
 */
final class SimClusterStore implements ClusterStore {

    static final long SUBMIT_TIMEOUT_MILLIS = 3_000;

    private final String member;
    private final SimulatedRaft raft;
    private final EventScheduler scheduler;

    SimClusterStore(String member, SimulatedRaft raft, EventScheduler scheduler) {
        this.member = member;
        this.raft = raft;
        this.scheduler = scheduler;
    }

    @Override
    public ClusterState state() {
        return raft.committedState(member);
    }

    @Override
    public RaftView view() {
        return raft.view(member);
    }

    @Override
    public CompletableFuture<ApplyResult> submit(Command command) {
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        long requestId = raft.submit(member, command, r -> {
            ClusterState now = raft.committedState(member);
            if (r.committed()) {
                result.complete(new ApplyResult(now, r.accepted(), r.accepted() ? null : r.message()));
            } else {
                result.completeExceptionally(new IllegalStateException(r.message()));
            }
        });
        scheduler.schedule(SUBMIT_TIMEOUT_MILLIS, new RaftNode.Note(member, "submit timeout"), () -> {
            if (!result.isDone()) {
                raft.abandon(requestId);
                result.completeExceptionally(new TimeoutException(command.getClass().getSimpleName()
                        + " not committed within " + SUBMIT_TIMEOUT_MILLIS + " ms"));
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Void> transferLeadership(String raftAddress, Duration timeout) {
        throw new UnsupportedOperationException("the simulated executor transfers through SimulatedRaft");
    }

    @Override
    public void addListener(Runnable listener) {
        throw new UnsupportedOperationException("the simulation wakes its agents through RaftObserver");
    }
}
