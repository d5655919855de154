package io.raftgres.core.model;

import java.util.Set;

/**
 * Everything the decider knows about the cluster in one cycle: the replicated state as the
 * local Raft server last applied it, what that server says about roles and the lease, and
 * which members went silent (their agent has not reported within the member TTL, measured by
 * the agent's clock: core reads none), and whether a lapse of this member's lease is, for now,
 * held by the lease gate alone ({@code gateHoldsLapse}: the lapse rule, core.timing's
 * {@code LapseRule}, says PostgreSQL may keep running behind the closed gate until its deadline).
 *
 * @param wallMillis the agent's wall clock (epoch ms) this cycle, for scheduled operations
 *                   only (never for the lease); 0 when unknown, and then nothing scheduled is due
 */
public record ClusterView(ClusterState state, RaftView raft, Set<String> silentMembers, long wallMillis,
                          boolean gateHoldsLapse) {

    public ClusterView {
        silentMembers = Set.copyOf(silentMembers);
    }

    /** A view without a wall clock and without a gated lapse (every lapse fences at once). */
    public ClusterView(ClusterState state, RaftView raft, Set<String> silentMembers) {
        this(state, raft, silentMembers, 0, false);
    }

    /** A view in which every member counts as reporting. */
    public ClusterView(ClusterState state, RaftView raft) {
        this(state, raft, Set.of());
    }
}
