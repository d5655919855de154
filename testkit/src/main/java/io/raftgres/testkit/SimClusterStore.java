package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.RaftView;
import io.raftgres.ha.ClusterStore;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One member's view of the {@link SimulatedRaft} group through the agent's {@link ClusterStore}
 * port, so the production HA classes run against simulated Raft. A submission completes when the
 * group answers, or exceptionally after {@link #SUBMIT_TIMEOUT_MILLIS} (the Ratis client's retries
 * giving up); a refusal before the append also completes it exceptionally, as a Ratis
 * {@code NotLeaderException} would. An accepted leader claim and a leadership transfer are
 * reported as {@link Milestone}s.
 *
 * <p>Threading: single-threaded; futures complete inside scheduler events.
 */
final class SimClusterStore implements ClusterStore {

    static final long SUBMIT_TIMEOUT_MILLIS = 3_000;

    private final String member;
    private final SimulatedRaft raft;
    private final EventScheduler scheduler;
    private final Consumer<Milestone> milestones;

    SimClusterStore(String member, SimulatedRaft raft, EventScheduler scheduler, Consumer<Milestone> milestones) {
        this.member = member;
        this.raft = raft;
        this.scheduler = scheduler;
        this.milestones = milestones;
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
                if (r.accepted() && command instanceof Command.ClaimLeader claim) {
                    milestone(Milestone.Kind.LEADER_CLAIMED, "term " + claim.term() + " timeline " + claim.timeline()
                            + " optime " + claim.optime());
                }
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

    /** Hands leadership to the member at {@code raftAddress}; fails when it did not move within the group's time. */
    @Override
    public CompletableFuture<Void> transferLeadership(String raftAddress, Duration timeout) {
        CompletableFuture<Void> moved = new CompletableFuture<>();
        String target = state().members().values().stream().filter(m -> m.raftAddress().equals(raftAddress))
                .map(MemberRecord::name).findFirst().orElse(null);
        if (target == null) {
            moved.completeExceptionally(new IllegalArgumentException("no member at " + raftAddress));
            return moved;
        }
        milestone(Milestone.Kind.TRANSFER_REQUESTED, "to " + target);
        raft.transferLeadership(member, target, ok -> {
            if (ok) {
                moved.complete(null);
            } else {
                moved.completeExceptionally(new IllegalStateException("leadership did not move to " + target));
            }
        });
        return moved;
    }

    private void milestone(Milestone.Kind kind, String detail) {
        milestones.accept(new Milestone(scheduler.nowMillis(), member, kind, detail));
    }

    @Override
    public void addListener(Runnable listener) {
        throw new UnsupportedOperationException("the simulation wakes its agents through RaftObserver");
    }
}
