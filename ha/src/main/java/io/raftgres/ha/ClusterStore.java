package io.raftgres.ha;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.timing.LeaseGrant;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What the agent needs from the replicated store: the applied state, the local Raft view
 * (role, term, lease), command submission and leadership transfer. Implemented over Ratis by
 * {@code RaftClusterStore}. {@link #state} and {@link #view} never block.
 */
public interface ClusterStore {
    ClusterState state();

    RaftView view();

    CompletableFuture<ApplyResult> submit(Command command);

    CompletableFuture<Void> transferLeadership(String raftAddress, Duration timeout);

    /**
     * The last leader lease granted to this member, kept across a step-down within its term, with its
     * expiry in {@link Clock#monotonicMillis()} milliseconds (rounded down); null when unknown, which makes
     * any lapse fence at once. Never blocks.
     */
    default LeaseGrant lastLeaseGrant() {
        return null;
    }

    /** Called (on some other thread) after the state or the leadership changed. */
    void addListener(Runnable listener);
}
