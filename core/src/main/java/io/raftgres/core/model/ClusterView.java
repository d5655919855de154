package io.raftgres.core.model;

/**
 * Everything the decider knows about the cluster in one cycle: the replicated state as the
 * local Raft server last applied it, and what that server says about roles and the lease.
 */
public record ClusterView(ClusterState state, RaftView raft) {
}
