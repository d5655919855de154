package io.raftgres.core.model;

import java.util.Set;

/**
 * Everything the decider knows about the cluster in one cycle: the replicated state as the
 * local Raft server last applied it, what that server says about roles and the lease, and
 * which members went silent (their agent has not reported within the member TTL, measured by
 * the agent's clock: core reads none).
 */
public record ClusterView(ClusterState state, RaftView raft, Set<String> silentMembers) {

    public ClusterView {
        silentMembers = Set.copyOf(silentMembers);
    }

    /** A view in which every member counts as reporting. */
    public ClusterView(ClusterState state, RaftView raft) {
        this(state, raft, Set.of());
    }
}
